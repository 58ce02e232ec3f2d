/**
 * The encoders the app's server runs on queries (an uploaded image for similarity search): for an
 * embedding column, the encoder its dataset records (`embed` stores it in the manifest), else the
 * one named by `tessera app --encoder NAME`. Each is built on first use and kept until the server
 * closes, so the network loads once.
 */
import { EncoderNotKnownError, TypeMismatchError } from '../../core/errors.js';
import type { DataFrame } from '../../core/frame/frame.js';
import { columnEncoder } from '../../core/models/column-encoder.js';
import type { Encoder, EncoderSpec } from '../../core/models/encoder.js';
import { encoderFromSpec, registeredEncoders } from '../models/encoder-registry.js';

export class QueryEncoders {
  private readonly built = new Map<string, Encoder>();

  /** `fallback`: the registered name used for columns that record no encoder (`--encoder`). */
  constructor(
    private readonly frame: DataFrame,
    private readonly fallback?: string,
  ) {
    // A name that is not registered fails when the server starts, not at the first search.
    if (fallback !== undefined) this.encoderOf({ name: fallback, options: {} });
  }

  /**
   * The encoder that encodes queries for column `name`, or undefined: none recorded and no
   * fallback, or a fallback whose vectors do not have the column's length or that is not for images.
   */
  specFor(name: string): EncoderSpec | undefined {
    if (!this.frame.has(name)) return undefined;
    // The stored column's type: no rows are read (nor taken, for a view).
    const { type } = this.frame.columnSource(name).column;
    if (type.kind !== 'tensor' || type.shape.length !== 1) return undefined;
    const recorded = columnEncoder(this.frame, name);
    if (recorded !== undefined) return recorded;
    if (this.fallback === undefined) return undefined;
    const spec = { name: this.fallback, options: {} };
    const encoder = this.encoderOf(spec);
    return encoder.modality === 'image' && encoder.dimensions === type.shape[0] ? spec : undefined;
  }

  /** The vector of one image (a path, encoded bytes or a decoded image) for a search of column `name`. */
  async encodeImage(name: string, image: unknown): Promise<Float32Array> {
    const { type } = this.frame.columnSource(name).column;
    if (!(type.kind === 'tensor' && type.shape.length === 1))
      throw new TypeMismatchError(
        `column "${name}" is ${type.kind === 'tensor' ? `a tensor of shape [${type.shape.join(', ')}]` : `a ${type.kind} column`}; an image search needs an embedding column (one vector per row)`,
      );
    const dims = type.shape[0];
    const spec = this.specFor(name);
    if (spec === undefined) throw this.unknown(name, dims);
    const encoder = this.encoderOf(spec);
    if (encoder.modality !== 'image')
      throw new TypeMismatchError(
        `column "${name}" was made by the ${encoder.modality} encoder "${spec.name}", which cannot encode an image`,
      );
    const vector = await encoder.encode([image]);
    if (vector.length !== dims)
      throw new TypeMismatchError(
        `encoder "${spec.name}" gives ${vector.length} values, but column "${name}" holds ${dims} per row`,
      );
    return vector;
  }

  /** Frees every encoder built (their runtime sessions). */
  async dispose(): Promise<void> {
    const all = [...this.built.values()];
    this.built.clear();
    await Promise.all(all.map((e) => e.dispose?.()));
  }

  private encoderOf(spec: EncoderSpec): Encoder {
    const key = JSON.stringify([spec.name, spec.options]);
    let encoder = this.built.get(key);
    if (encoder === undefined) {
      encoder = encoderFromSpec(spec);
      this.built.set(key, encoder);
    }
    return encoder;
  }

  private unknown(name: string, dims: number): EncoderNotKnownError {
    const why =
      this.fallback === undefined
        ? 'does not record which encoder made it'
        : `does not record which encoder made it, and --encoder ${this.fallback} does not give image vectors of its length (${dims})`;
    return new EncoderNotKnownError(
      `column "${name}" ${why}, so an uploaded image cannot be encoded the same way; embed it with a ` +
        "registered encoder (e.g. df.embed('image', mobileNetV2Encoder())) and write the dataset again, " +
        `or start the app with --encoder NAME naming the encoder that made it (registered: ${registeredEncoders().join(', ')})`,
    );
  }
}
