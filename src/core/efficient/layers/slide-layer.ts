/**
 * A SLIDE-style sparse output layer (Chen et al., MLSys 2020): a linear layer with a softmax over
 * `outputDim` classes that, per input, computes only the neurons an LSH query finds. The `L` hash
 * tables hold the neurons' weight rows; an input hashes with the same functions, and the union of the
 * buckets it hits is its active set (plus, in training, its labels, so the target is always there).
 * Logits, the softmax, the cross-entropy and every gradient are computed on the active set only, and
 * the optimizer moves only the active rows. Changed neurons are rehashed when the scheduler says so
 * (a fixed interval, as in SLIDE, or MONGOOSE's drift test).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { NeuronHash } from '../../lsh/neuron-hash.js';
import { Random } from '../../random.js';
import type { TensorKernels } from '../../tensor/kernels.js';
import { dot } from '../../tensor/loops.js';
import { tsKernels } from '../../tensor/ts-kernels.js';
import { LshTables } from './lsh-tables.js';
import { FixedIntervalRehash, type RehashScheduler } from './rehash-scheduler.js';
import { type OptimizerOptions, RowOptimizer } from './row-optimizer.js';

/**
 * Labels of a batch: one class per sample, or several per sample as `{ offsets, values }` (sample
 * `i` has the classes `values[offsets[i] .. offsets[i+1])`; the target spreads evenly over them).
 */
export type SlideLabels = Int32Array | { offsets: Int32Array; values: Int32Array };

/** Options of {@link SlideLayer.create}. */
export interface SlideLayerOptions {
  inputDim: number;
  /** Number of classes (neurons). */
  outputDim: number;
  /** The hash family (`SimHash`, `DwtaHash`, a learned `SimHash`); its `dim` must be `inputDim`. */
  hash: NeuronHash;
  /** Neurons kept per bucket (default 128). */
  bucketCapacity?: number;
  /** At most `2^maxBucketBits` buckets per table (default 18). */
  maxBucketBits?: number;
  /** Initial weights, shape `[outputDim, inputDim]` (copied); default Gaussian with std `initStd`. */
  weights?: Float32Array;
  /** Initial bias, shape `[outputDim]` (copied); default 0. */
  bias?: Float32Array;
  /** Std of the random initial weights (default 0.01). */
  initStd?: number;
  /** Default Adam with learning rate 1e-3. */
  optimizer?: OptimizerOptions;
  /** When to rehash changed neurons (default every 50 steps). */
  scheduler?: RehashScheduler;
  /**
   * Smallest active set: when the buckets return fewer neurons, random ones are added (SLIDE's
   * sparsity floor), so the softmax always has negatives to push down. Default 0.
   */
  minActive?: number;
  /** Seed of the initial weights and of the random fill. */
  seed?: number;
  /** Kernels for batched hashing and dense prediction (default the TypeScript kernels). */
  kernels?: TensorKernels;
}

/** The result of a sparse forward pass over a batch. */
export interface SlideForward {
  /** Sample `i`'s active neurons are `neurons[offsets[i] .. offsets[i+1])`. */
  offsets: Int32Array;
  neurons: Int32Array;
  /** Logit of each active neuron (same layout as `neurons`). */
  logits: Float64Array;
  /** Softmax of the logits over each sample's active set. */
  probabilities: Float64Array;
}

/** Gradients of a sparse backward pass: only the rows of neurons active for some sample. */
export interface SlideGradients {
  /** The distinct neurons with a gradient, in order of first appearance. */
  rows: Int32Array;
  /** Gradient of each of those rows, shape `[rows.length, inputDim]`. */
  weights: Float64Array;
  /** Gradient of each of those biases, shape `[rows.length]`. */
  bias: Float64Array;
  /** Gradient of the input, shape `[batch, inputDim]`, unless not asked for. */
  input?: Float64Array;
}

/** SlideLabels as CSR arrays, checked against the batch and the class count. */
function labelSets(
  labels: SlideLabels,
  batch: number,
  classes: number,
): { offsets: Int32Array; values: Int32Array } {
  let sets: { offsets: Int32Array; values: Int32Array };
  if (labels instanceof Int32Array) {
    const offsets = new Int32Array(labels.length + 1);
    for (let i = 0; i <= labels.length; i++) offsets[i] = i;
    sets = { offsets, values: labels };
  } else {
    sets = labels;
  }
  if (sets.offsets.length !== batch + 1 || sets.offsets[batch] !== sets.values.length) {
    throw new InvalidArgumentError(
      `SlideLayer: labels must give the classes of each of the ${batch} samples`,
    );
  }
  for (const c of sets.values) {
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new InvalidArgumentError(`SlideLayer: label ${c} is not a class in [0, ${classes})`);
    }
  }
  return sets;
}

/**
 * Mean softmax cross-entropy over the batch, each sample's softmax taken over its active set, and its
 * gradient with respect to the active logits. Every label must be in its sample's active set.
 */
export function sparseSoftmaxCrossEntropy(
  forward: SlideForward,
  labels: SlideLabels,
  classes: number,
): { loss: number; gradLogits: Float64Array } {
  const batch = forward.offsets.length - 1;
  const sets = labelSets(labels, batch, classes);
  const grad = new Float64Array(forward.logits.length);
  let loss = 0;
  for (let i = 0; i < batch; i++) {
    const from = forward.offsets[i];
    const to = forward.offsets[i + 1];
    for (let p = from; p < to; p++) grad[p] = forward.probabilities[p] / batch;
    const l0 = sets.offsets[i];
    const l1 = sets.offsets[i + 1];
    const share = 1 / (l1 - l0);
    for (let l = l0; l < l1; l++) {
      let p = from;
      while (p < to && forward.neurons[p] !== sets.values[l]) p++;
      if (p === to) {
        throw new InvalidArgumentError(
          `sparseSoftmaxCrossEntropy: label ${sets.values[l]} of sample ${i} is not active; pass the labels to forward`,
        );
      }
      grad[p] -= share / batch;
      loss -= (share * Math.log(Math.max(forward.probabilities[p], 1e-300))) / batch;
    }
  }
  return { loss, gradLogits: grad };
}

/** The sparse output layer. Build with {@link SlideLayer.create}. */
export class SlideLayer {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly hash: NeuronHash;
  readonly tables: LshTables;
  /** Weights, shape `[outputDim, inputDim]`: row `j` is neuron `j`. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly optimizer: RowOptimizer;
  readonly scheduler: RehashScheduler;
  readonly minActive: number;
  readonly kernels: TensorKernels;
  /** Training steps taken. */
  steps = 0;
  /** Rehashes done (the initial build not counted) and neurons rehashed in them. */
  rehashes = 0;
  rehashedNeurons = 0;
  /** Wall time spent in {@link rehash}, milliseconds. */
  rehashMilliseconds = 0;
  /** Keys of every neuron, shape `[outputDim, tables]`. */
  private readonly keys: Int32Array;
  /** Insertion order of the tables: rehashed neurons move to the back (FIFO buckets keep them). */
  private order: Int32Array;
  private readonly dirty: Uint8Array;
  private dirtyCount = 0;
  private readonly marks: Int32Array;
  private stamp = 0;
  private readonly scratch: Int32Array;
  private readonly rng: Random;
  private gradWeights = new Float64Array(0);
  private gradBias = new Float64Array(0);

  private constructor(options: SlideLayerOptions) {
    const { inputDim, outputDim, hash } = options;
    for (const [name, v] of [
      ['inputDim', inputDim],
      ['outputDim', outputDim],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < 1) {
        throw new InvalidArgumentError(`SlideLayer: ${name} must be an integer ≥ 1, got ${v}`);
      }
    }
    if (hash.dim !== inputDim) {
      throw new InvalidArgumentError(
        `SlideLayer: the hash is over vectors of width ${hash.dim}, not inputDim=${inputDim}`,
      );
    }
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.hash = hash;
    this.tables = new LshTables({
      tables: hash.tables,
      keyBits: hash.keyBits,
      bucketCapacity: options.bucketCapacity,
      maxBucketBits: options.maxBucketBits,
    });
    this.rng = new Random(options.seed ?? 0);
    const size = outputDim * inputDim;
    if (options.weights !== undefined) {
      if (options.weights.length !== size) {
        throw new InvalidArgumentError(`SlideLayer: weights must have shape [${outputDim}, ${inputDim}]`);
      }
      this.weights = Float32Array.from(options.weights);
    } else {
      const std = options.initStd ?? 0.01;
      this.weights = this.rng.fillNormal(new Float32Array(size), std);
    }
    if (options.bias !== undefined && options.bias.length !== outputDim) {
      throw new InvalidArgumentError(`SlideLayer: bias must have shape [${outputDim}]`);
    }
    this.bias = options.bias ? Float32Array.from(options.bias) : new Float32Array(outputDim);
    this.optimizer = new RowOptimizer(
      options.optimizer ?? { kind: 'adam', learningRate: 1e-3 },
      outputDim,
      inputDim,
    );
    this.scheduler = options.scheduler ?? new FixedIntervalRehash(50);
    this.minActive = Math.min(options.minActive ?? 0, outputDim);
    this.kernels = options.kernels ?? tsKernels;
    this.keys = new Int32Array(outputDim * hash.tables);
    this.order = new Int32Array(outputDim);
    for (let i = 0; i < outputDim; i++) this.order[i] = i;
    this.dirty = new Uint8Array(outputDim);
    this.marks = new Int32Array(outputDim);
    this.scratch = new Int32Array(outputDim);
  }

  /** A layer with its hash tables built over the initial weights. */
  static async create(options: SlideLayerOptions): Promise<SlideLayer> {
    const layer = new SlideLayer(options);
    await layer.rebuild();
    return layer;
  }

  /** Rehashes every neuron and rebuilds the tables (e.g. after the weights were set from outside). */
  async rebuild(): Promise<void> {
    this.keys.set(await this.hash.hashRows(this.weights, this.outputDim, this.kernels));
    for (let i = 0; i < this.outputDim; i++) this.order[i] = i;
    this.tables.build(this.keys, this.outputDim, this.order);
    this.dirty.fill(0);
    this.dirtyCount = 0;
    this.scheduler.rehashed(this);
  }

  /** Neurons whose weights changed since their last hashing. */
  get staleNeurons(): number {
    return this.dirtyCount;
  }

  /** Width of a neuron row (the {@link WeightsView} the schedulers read). */
  get dim(): number {
    return this.inputDim;
  }

  /** Number of neurons (the {@link WeightsView} the schedulers read). */
  get rows(): number {
    return this.outputDim;
  }

  /**
   * Rehashes the neurons whose weights changed since they were last hashed, moves them to the back
   * of the insertion order and rebuilds the tables.
   */
  async rehash(): Promise<void> {
    const start = performance.now();
    const changed = this.dirtyCount;
    if (changed > 0) {
      const d = this.inputDim;
      const L = this.hash.tables;
      const ids = new Int32Array(changed);
      const rows = new Float32Array(changed * d);
      const order = new Int32Array(this.outputDim);
      let c = 0;
      let u = 0;
      for (const i of this.order) {
        if (this.dirty[i]) {
          rows.set(this.weights.subarray(i * d, (i + 1) * d), c * d);
          ids[c++] = i;
        } else {
          order[u++] = i;
        }
      }
      order.set(ids, u);
      const keys = await this.hash.hashRows(rows, changed, this.kernels);
      for (let s = 0; s < changed; s++) this.keys.set(keys.subarray(s * L, (s + 1) * L), ids[s] * L);
      this.order = order;
      this.tables.build(this.keys, this.outputDim, order);
      this.dirty.fill(0);
      this.dirtyCount = 0;
      this.rehashedNeurons += changed;
    }
    this.rehashes++;
    this.scheduler.rehashed(this);
    this.rehashMilliseconds += performance.now() - start;
  }

  private checkInput(x: Float32Array, batch: number, op: string): void {
    if (
      !(x instanceof Float32Array) ||
      !Number.isSafeInteger(batch) ||
      batch < 0 ||
      x.length !== batch * this.inputDim
    ) {
      throw new InvalidArgumentError(
        `SlideLayer.${op}: x must be a Float32Array of shape [batch=${batch}, ${this.inputDim}]`,
      );
    }
  }

  /**
   * The active neurons of each input: the union of the buckets its keys hit, its labels (when
   * given) first, then random neurons up to `minActive`.
   */
  async activeSets(
    x: Float32Array,
    batch: number,
    labels?: SlideLabels,
  ): Promise<{ offsets: Int32Array; neurons: Int32Array }> {
    this.checkInput(x, batch, 'activeSets');
    const sets = labels === undefined ? undefined : labelSets(labels, batch, this.outputDim);
    const queryKeys = await this.hash.hashRows(x, batch, this.kernels);
    const offsets = new Int32Array(batch + 1);
    const chunks: Int32Array[] = [];
    const { marks, scratch } = this;
    let total = 0;
    for (let i = 0; i < batch; i++) {
      const stamp = this.nextStamp();
      let count = 0;
      if (sets) {
        for (let l = sets.offsets[i]; l < sets.offsets[i + 1]; l++) {
          const c = sets.values[l];
          if (marks[c] !== stamp) {
            marks[c] = stamp;
            scratch[count++] = c;
          }
        }
      }
      count = this.tables.collect(queryKeys, i * this.hash.tables, marks, stamp, scratch, count);
      // Random fill; the bound on tries keeps it cheap when minActive is close to outputDim.
      for (let tries = 0; count < this.minActive && tries < 4 * this.minActive + 64; tries++) {
        const c = this.rng.int(this.outputDim);
        if (marks[c] !== stamp) {
          marks[c] = stamp;
          scratch[count++] = c;
        }
      }
      chunks.push(scratch.slice(0, count));
      total += count;
      offsets[i + 1] = total;
    }
    const neurons = new Int32Array(total);
    for (let i = 0; i < batch; i++) neurons.set(chunks[i], offsets[i]);
    return { offsets, neurons };
  }

  private nextStamp(): number {
    if (this.stamp === 0x7fffffff) {
      this.marks.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  /** Logits and the softmax over each input's active set (labels, when given, are always active). */
  async forward(x: Float32Array, batch: number, labels?: SlideLabels): Promise<SlideForward> {
    const { offsets, neurons } = await this.activeSets(x, batch, labels);
    return this.forwardOn(x, batch, offsets, neurons);
  }

  /** Logits and softmax on given active sets (`neurons[offsets[i] .. offsets[i+1])` for sample `i`). */
  forwardOn(x: Float32Array, batch: number, offsets: Int32Array, neurons: Int32Array): SlideForward {
    this.checkInput(x, batch, 'forwardOn');
    const d = this.inputDim;
    const { weights, bias } = this;
    const logits = new Float64Array(neurons.length);
    const probabilities = new Float64Array(neurons.length);
    for (let i = 0; i < batch; i++) {
      const xo = i * d;
      let max = Number.NEGATIVE_INFINITY;
      for (let p = offsets[i]; p < offsets[i + 1]; p++) {
        const j = neurons[p];
        const wo = j * d;
        const s = bias[j] + dot(weights, wo, x, xo, d);
        logits[p] = s;
        if (s > max) max = s;
      }
      let z = 0;
      for (let p = offsets[i]; p < offsets[i + 1]; p++) {
        const e = Math.exp(logits[p] - max);
        probabilities[p] = e;
        z += e;
      }
      for (let p = offsets[i]; p < offsets[i + 1]; p++) probabilities[p] /= z;
    }
    return { offsets, neurons, logits, probabilities };
  }

  /**
   * Gradients of a loss whose gradient with respect to the active logits is `gradLogits` (layout of
   * `forward.logits`): for the active rows, their biases and (unless `inputGradient` is false) the
   * input.
   */
  backward(
    x: Float32Array,
    batch: number,
    forward: SlideForward,
    gradLogits: Float64Array,
    inputGradient = true,
  ): SlideGradients {
    return this.backwardInto(x, batch, forward, gradLogits, inputGradient, false);
  }

  /**
   * {@link backward}, optionally into the layer's own grow-only buffers (`reuse`), so a training step
   * does not allocate (and the collector need not free) a gradient the size of the active rows.
   */
  private backwardInto(
    x: Float32Array,
    batch: number,
    forward: SlideForward,
    gradLogits: Float64Array,
    inputGradient: boolean,
    reuse: boolean,
  ): SlideGradients {
    this.checkInput(x, batch, 'backward');
    if (gradLogits.length !== forward.neurons.length) {
      throw new InvalidArgumentError('SlideLayer.backward: gradLogits must have one value per active neuron');
    }
    const d = this.inputDim;
    const { weights } = this;
    const { offsets, neurons } = forward;
    // Slot of each touched neuron in the gradient arrays, found through the marks of one stamp.
    const stamp = this.nextStamp();
    const slotOf = this.scratch;
    const rows = new Int32Array(neurons.length);
    let count = 0;
    for (const j of neurons) {
      if (this.marks[j] !== stamp) {
        this.marks[j] = stamp;
        slotOf[j] = count;
        rows[count++] = j;
      }
    }
    let gradW: Float64Array;
    let gradB: Float64Array;
    if (reuse) {
      if (this.gradWeights.length < count * d)
        this.gradWeights = new Float64Array(Math.ceil(count * 1.5) * d);
      if (this.gradBias.length < count) this.gradBias = new Float64Array(Math.ceil(count * 1.5));
      gradW = this.gradWeights.subarray(0, count * d);
      gradB = this.gradBias.subarray(0, count);
      gradW.fill(0);
      gradB.fill(0);
    } else {
      gradW = new Float64Array(count * d);
      gradB = new Float64Array(count);
    }
    const gradX = inputGradient ? new Float64Array(batch * d) : undefined;
    for (let i = 0; i < batch; i++) {
      const xo = i * d;
      for (let p = offsets[i]; p < offsets[i + 1]; p++) {
        const g = gradLogits[p];
        if (g === 0) continue;
        const j = neurons[p];
        const s = slotOf[j];
        const go = s * d;
        for (let c = 0; c < d; c++) gradW[go + c] += g * x[xo + c];
        gradB[s] += g;
        if (gradX) {
          const wo = j * d;
          for (let c = 0; c < d; c++) gradX[xo + c] += g * weights[wo + c];
        }
      }
    }
    return { rows: rows.subarray(0, count), weights: gradW, bias: gradB, input: gradX };
  }

  /**
   * Plain SGD straight from the logit gradients, without a gradient buffer: each (sample, active
   * neuron) pair moves the neuron's row at once. The same update as SGD on the summed gradient, as
   * every pair's term depends only on the forward pass.
   */
  private sgdInPlace(
    x: Float32Array,
    batch: number,
    forward: SlideForward,
    gradLogits: Float64Array,
    lr: number,
  ): void {
    const d = this.inputDim;
    const { weights, bias, dirty } = this;
    const { offsets, neurons } = forward;
    for (let i = 0; i < batch; i++) {
      const xo = i * d;
      for (let p = offsets[i]; p < offsets[i + 1]; p++) {
        const step = lr * gradLogits[p];
        const j = neurons[p];
        const wo = j * d;
        for (let c = 0; c < d; c++) weights[wo + c] -= step * x[xo + c];
        bias[j] -= step;
        if (!dirty[j]) {
          dirty[j] = 1;
          this.dirtyCount++;
        }
      }
    }
    this.optimizer.steps++;
  }

  /** Applies gradients with the layer's optimizer and marks the moved neurons for rehashing. */
  applyGradients(gradients: SlideGradients): void {
    const { rows } = gradients;
    this.optimizer.step(this.weights, this.bias, rows, rows.length, gradients.weights, gradients.bias);
    for (const j of rows) {
      if (!this.dirty[j]) {
        this.dirty[j] = 1;
        this.dirtyCount++;
      }
    }
  }

  /**
   * One training step on a batch: sparse forward with the labels active, softmax cross-entropy over
   * the active sets, sparse backward, an optimizer step on the active rows, and a rehash when the
   * scheduler calls for one. Returns the mean loss, the mean active-set size and the input gradient
   * (for layers below) when asked.
   */
  async trainStep(
    x: Float32Array,
    batch: number,
    labels: SlideLabels,
    inputGradient = false,
  ): Promise<{ loss: number; meanActive: number; inputGradient?: Float64Array }> {
    const forward = await this.forward(x, batch, labels);
    const { loss, gradLogits } = sparseSoftmaxCrossEntropy(forward, labels, this.outputDim);
    let input: Float64Array | undefined;
    const o = this.optimizer.options;
    if (o.kind === 'sgd' && !inputGradient) {
      this.sgdInPlace(x, batch, forward, gradLogits, o.learningRate);
    } else {
      const gradients = this.backwardInto(x, batch, forward, gradLogits, inputGradient, true);
      this.applyGradients(gradients);
      input = gradients.input;
    }
    this.steps++;
    if (this.scheduler.afterStep(this, this.steps)) await this.rehash();
    return { loss, meanActive: forward.neurons.length / Math.max(batch, 1), inputGradient: input };
  }

  /**
   * The predicted class of each input: the best logit over all classes (`sparse` false, default; a
   * dense product in chunks on the layer's kernels) or over the LSH active set only (`sparse` true,
   * SLIDE's inference).
   */
  async predict(x: Float32Array, batch: number, sparse = false): Promise<Int32Array> {
    this.checkInput(x, batch, 'predict');
    const out = new Int32Array(batch);
    if (sparse) {
      const f = await this.forward(x, batch);
      for (let i = 0; i < batch; i++) {
        let best = -1;
        let bestLogit = Number.NEGATIVE_INFINITY;
        for (let p = f.offsets[i]; p < f.offsets[i + 1]; p++) {
          if (f.logits[p] > bestLogit) {
            bestLogit = f.logits[p];
            best = f.neurons[p];
          }
        }
        out[i] = best;
      }
      return out;
    }
    const d = this.inputDim;
    const n = this.outputDim;
    const chunk = Math.max(1, Math.floor((1 << 24) / n));
    for (let i0 = 0; i0 < batch; i0 += chunk) {
      const rows = Math.min(chunk, batch - i0);
      const logits = await this.kernels.matmul(
        x.subarray(i0 * d, (i0 + rows) * d),
        this.weights,
        rows,
        d,
        n,
        {
          transposeB: true,
        },
      );
      for (let r = 0; r < rows; r++) {
        let best = 0;
        let bestLogit = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < n; j++) {
          const v = logits[r * n + j] + this.bias[j];
          if (v > bestLogit) {
            bestLogit = v;
            best = j;
          }
        }
        out[i0 + r] = best;
      }
    }
    return out;
  }
}
