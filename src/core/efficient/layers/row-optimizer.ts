/**
 * Optimizers that update only some rows of a weight matrix: the rows of the neurons a sparse layer
 * touched in a step. Adam keeps its moments for every row but advances only the touched ones
 * ("lazy" Adam, as SLIDE does), with one global step count for the bias correction.
 */
import { InvalidArgumentError } from '../../errors.js';

/** Plain stochastic gradient descent. */
export interface SgdOptions {
  kind: 'sgd';
  learningRate: number;
}

/** Adam (Kingma & Ba 2015) on the touched rows. */
export interface AdamOptions {
  kind: 'adam';
  learningRate: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
}

export type OptimizerOptions = SgdOptions | AdamOptions;

/** Updates rows of `weights` (`[rows, dim]`) and entries of `bias` (`[rows]`) from sparse gradients. */
export class RowOptimizer {
  readonly options: Readonly<OptimizerOptions>;
  /** Steps taken so far. */
  steps = 0;
  private m?: Float32Array;
  private v?: Float32Array;
  private mb?: Float32Array;
  private vb?: Float32Array;

  constructor(
    options: OptimizerOptions,
    readonly rows: number,
    readonly dim: number,
  ) {
    if (!(options.learningRate > 0)) {
      throw new InvalidArgumentError(`RowOptimizer: learningRate must be > 0, got ${options.learningRate}`);
    }
    if (options.kind !== 'sgd' && options.kind !== 'adam') {
      throw new InvalidArgumentError(
        `RowOptimizer: unknown optimizer "${(options as { kind: string }).kind}"; use sgd or adam`,
      );
    }
    this.options = options;
  }

  /**
   * One step: row `touched[s]` of the weights moves by the gradient `gradWeights[s·dim .. (s+1)·dim)`
   * and its bias by `gradBias[s]`, for `s < count`. Rows must be distinct.
   */
  step(
    weights: Float32Array,
    bias: Float32Array,
    touched: Int32Array,
    count: number,
    gradWeights: Float64Array,
    gradBias: Float64Array,
  ): void {
    this.steps++;
    const dim = this.dim;
    const o = this.options;
    if (o.kind === 'sgd') {
      const lr = o.learningRate;
      for (let s = 0; s < count; s++) {
        const r = touched[s] * dim;
        const g = s * dim;
        for (let c = 0; c < dim; c++) weights[r + c] -= lr * gradWeights[g + c];
        bias[touched[s]] -= lr * gradBias[s];
      }
      return;
    }
    const b1 = o.beta1 ?? 0.9;
    const b2 = o.beta2 ?? 0.999;
    const eps = o.epsilon ?? 1e-8;
    this.m ??= new Float32Array(this.rows * dim);
    this.v ??= new Float32Array(this.rows * dim);
    this.mb ??= new Float32Array(this.rows);
    this.vb ??= new Float32Array(this.rows);
    const { m, v, mb, vb } = this;
    // Bias corrections folded into the step size: lr·√(1−β2ᵗ)/(1−β1ᵗ).
    const lr = (o.learningRate * Math.sqrt(1 - b2 ** this.steps)) / (1 - b1 ** this.steps);
    const epsHat = eps * Math.sqrt(1 - b2 ** this.steps);
    for (let s = 0; s < count; s++) {
      const row = touched[s];
      const r = row * dim;
      const g = s * dim;
      for (let c = 0; c < dim; c++) {
        const gc = gradWeights[g + c];
        const mc = b1 * m[r + c] + (1 - b1) * gc;
        const vc = b2 * v[r + c] + (1 - b2) * gc * gc;
        m[r + c] = mc;
        v[r + c] = vc;
        weights[r + c] -= (lr * mc) / (Math.sqrt(vc) + epsHat);
      }
      const gb = gradBias[s];
      mb[row] = b1 * mb[row] + (1 - b1) * gb;
      vb[row] = b2 * vb[row] + (1 - b2) * gb * gb;
      bias[row] -= (lr * mb[row]) / (Math.sqrt(vb[row]) + epsHat);
    }
  }
}
