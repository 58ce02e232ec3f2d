import { ModelError } from '../../core/errors.js';

/**
 * The shared body of every encoder's `encode`: `run` each batch of at most `batchSize` inputs and
 * place its vectors in input order. A batch whose vectors are not `dimensions` long is a
 * {@link ModelError} naming `model` (`hint`, when given, says why that may happen).
 */
export async function encodeInBatches(
  inputs: readonly unknown[],
  batchSize: number,
  dimensions: number,
  model: string,
  run: (batch: readonly unknown[]) => Promise<{ data: Float32Array; d: number }>,
  hint?: string,
): Promise<Float32Array> {
  const result = new Float32Array(inputs.length * dimensions);
  for (let start = 0; start < inputs.length; start += batchSize) {
    const { data, d } = await run(inputs.slice(start, start + batchSize));
    if (d !== dimensions)
      throw new ModelError(
        model,
        `gave ${d} values per input where ${dimensions} were expected${hint ? ` (${hint})` : ''}`,
      );
    result.set(data, start * dimensions);
  }
  return result;
}
