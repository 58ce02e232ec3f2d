/**
 * A linear layer with a rank-r weight `W ≈ U·V` (`U` `[out, r]`, `V` `[r, in]`): `y = (x·Vᵀ)·Uᵀ + b`
 * costs `r·(in + out)` multiply-adds per input instead of `in·out`, and as many parameters. Built
 * from a trained dense weight by truncated SVD (the best rank-r approximation, Eckart–Young), with
 * the singular values split evenly between the factors (`U = U_r·√S`, `V = √S·V_rᵀ`) so that both
 * train at the same scale; or from given or random factors. Forward and backward are matrix
 * products on the tensor kernels.
 */
import { InvalidArgumentError } from '../../errors.js';
import { Random } from '../../random.js';
import type { TensorKernels } from '../../tensor/kernels.js';
import { transpose } from '../../tensor/loops.js';
import { tsKernels } from '../../tensor/ts-kernels.js';
import { type TruncatedSvdOptions, truncatedSvd } from './truncated-svd.js';

/** Options of {@link LowRankLinear}. */
export interface LowRankLinearOptions {
  inputDim: number;
  outputDim: number;
  rank: number;
  /** `U`, shape `[outputDim, rank]` (copied); default Gaussian with std `1/√rank`. */
  u?: Float32Array;
  /** `V`, shape `[rank, inputDim]` (copied); default Gaussian with std `1/√inputDim`. */
  v?: Float32Array;
  /** Bias, shape `[outputDim]` (copied); default 0. */
  bias?: Float32Array;
  seed?: number;
  /** Kernels for the products (default the TypeScript kernels). */
  kernels?: TensorKernels;
}

/** Gradients of {@link LowRankLinear.backward}. */
export interface LowRankGradients {
  /** `[batch, inputDim]`. */
  input: Float32Array;
  /** `[outputDim, rank]`. */
  u: Float32Array;
  /** `[rank, inputDim]`. */
  v: Float32Array;
  /** `[outputDim]`. */
  bias: Float32Array;
}

/** `y = x·(U·V)ᵀ + b` with the factors kept apart. */
export class LowRankLinear {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly rank: number;
  readonly u: Float32Array;
  readonly v: Float32Array;
  readonly bias: Float32Array;
  readonly kernels: TensorKernels;

  constructor(options: LowRankLinearOptions) {
    const { inputDim, outputDim, rank } = options;
    for (const [name, value] of [
      ['inputDim', inputDim],
      ['outputDim', outputDim],
      ['rank', rank],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new InvalidArgumentError(`LowRankLinear: ${name} must be an integer ≥ 1, got ${value}`);
      }
    }
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.rank = rank;
    this.kernels = options.kernels ?? tsKernels;
    const rng = new Random(options.seed ?? 0);
    const init = (
      given: Float32Array | undefined,
      length: number,
      std: number,
      name: string,
      shape: string,
    ) => {
      if (given !== undefined) {
        if (given.length !== length)
          throw new InvalidArgumentError(`LowRankLinear: ${name} must have shape ${shape}`);
        return Float32Array.from(given);
      }
      const out = new Float32Array(length);
      if (std > 0) rng.fillNormal(out, std);
      return out;
    };
    this.u = init(options.u, outputDim * rank, 1 / Math.sqrt(rank), 'u', `[${outputDim}, ${rank}]`);
    this.v = init(options.v, rank * inputDim, 1 / Math.sqrt(inputDim), 'v', `[${rank}, ${inputDim}]`);
    this.bias = init(options.bias, outputDim, 0, 'bias', `[${outputDim}]`);
  }

  /**
   * The rank-`rank` layer closest to the dense `weights` (`[outputDim, inputDim]`, as in
   * `y = x·Wᵀ + b`) by truncated SVD.
   */
  static async fromDense(
    weights: Float32Array,
    outputDim: number,
    inputDim: number,
    rank: number,
    options: TruncatedSvdOptions & { bias?: Float32Array } = {},
  ): Promise<LowRankLinear> {
    const svd = await truncatedSvd(weights, outputDim, inputDim, rank, options);
    const u = new Float32Array(outputDim * rank);
    const v = new Float32Array(rank * inputDim);
    for (let c = 0; c < rank; c++) {
      const root = Math.sqrt(svd.s[c]);
      for (let i = 0; i < outputDim; i++) u[i * rank + c] = svd.u[i * rank + c] * root;
      for (let j = 0; j < inputDim; j++) v[c * inputDim + j] = svd.vt[c * inputDim + j] * root;
    }
    return new LowRankLinear({
      inputDim,
      outputDim,
      rank,
      u,
      v,
      bias: options.bias,
      kernels: options.kernels,
    });
  }

  /** Parameters held: `r·(in + out) + out`. */
  get parameterCount(): number {
    return this.rank * (this.inputDim + this.outputDim) + this.outputDim;
  }

  /** The dense weight `U·V`, `[outputDim, inputDim]`. */
  async denseWeights(): Promise<Float32Array> {
    return this.kernels.matmul(this.u, this.v, this.outputDim, this.rank, this.inputDim);
  }

  private checkBatch(x: Float32Array, batch: number, width: number, what: string): void {
    if (
      !(x instanceof Float32Array) ||
      !Number.isSafeInteger(batch) ||
      batch < 0 ||
      x.length !== batch * width
    ) {
      throw new InvalidArgumentError(
        `LowRankLinear: ${what} must be a Float32Array of shape [${batch}, ${width}]`,
      );
    }
  }

  /** `y` (`[batch, outputDim]`) and the hidden `h = x·Vᵀ` (`[batch, rank]`, needed by backward). */
  async forward(x: Float32Array, batch: number): Promise<{ output: Float32Array; hidden: Float32Array }> {
    this.checkBatch(x, batch, this.inputDim, 'x');
    const hidden = await this.kernels.matmul(x, this.v, batch, this.inputDim, this.rank, {
      transposeB: true,
    });
    const output = await this.kernels.matmul(hidden, this.u, batch, this.rank, this.outputDim, {
      transposeB: true,
    });
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < this.outputDim; j++) output[i * this.outputDim + j] += this.bias[j];
    }
    return { output, hidden };
  }

  /** Gradients of a loss with gradient `gradOutput` (`[batch, outputDim]`) at the output. */
  async backward(
    x: Float32Array,
    batch: number,
    hidden: Float32Array,
    gradOutput: Float32Array,
  ): Promise<LowRankGradients> {
    const { inputDim: din, outputDim: dout, rank: r, kernels } = this;
    this.checkBatch(x, batch, din, 'x');
    this.checkBatch(hidden, batch, r, 'hidden');
    this.checkBatch(gradOutput, batch, dout, 'gradOutput');
    const gradHidden = await kernels.matmul(gradOutput, this.u, batch, dout, r); // [batch, r]
    const input = await kernels.matmul(gradHidden, this.v, batch, r, din);
    const u = await kernels.matmul(transpose(gradOutput, batch, dout), hidden, dout, batch, r);
    const v = await kernels.matmul(transpose(gradHidden, batch, r), x, r, batch, din);
    const bias = batch > 0 ? await kernels.reduce(gradOutput, batch, dout, 'sum', 0) : new Float32Array(dout);
    return { input, u, v, bias };
  }
}
