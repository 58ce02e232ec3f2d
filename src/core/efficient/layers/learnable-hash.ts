/**
 * MONGOOSE's learnable hash: SimHash directions `P` trained so that a query collides with the
 * neurons of large inner product more than with the others. Triplets (query, a top neuron, a low
 * neuron) are mined from the data; the loss is the triplet hinge on the cosine of the projections,
 * `max(0, α − cos(Pq, Pw⁺) + cos(Pq, Pw⁻))`, minimised by Adam with the vectors held fixed
 * (detached). The hash is then `sign(Px)` as in SimHash: directions that only carry noise for the
 * inner product get turned away, so the bits spend themselves on what decides the top neurons.
 */
import { InvalidArgumentError } from '../../errors.js';
import { SimHash } from '../../lsh/simhash.js';
import { Random } from '../../random.js';
import type { TensorKernels } from '../../tensor/kernels.js';
import { dot } from '../../tensor/loops.js';
import { tsKernels } from '../../tensor/ts-kernels.js';

/** Options of {@link trainLearnableHash}. */
export interface LearnableHashOptions {
  /** Bits per key `K`. */
  hashesPerTable: number;
  /** Number of tables `L`. */
  tables: number;
  /** Seed of the initial (random SimHash) directions and of the triplet mining. */
  seed?: number;
  /** Triplet margin α (default 0.5). */
  margin?: number;
  /** Adam learning rate (default 0.05). */
  learningRate?: number;
  /** Passes over the queries (default 10). */
  epochs?: number;
  /** Triplets per Adam step (default 32). */
  batchSize?: number;
  /** Positives are drawn from each query's `positives` largest inner products (default 5). */
  positives?: number;
  /** Kernels for the inner products that mine the triplets. */
  kernels?: TensorKernels;
}

/** Gradient of cos(a, b) with respect to a, added times `scale` into `out`. */
function addCosGrad(
  a: Float64Array,
  b: Float64Array,
  na: number,
  nb: number,
  cos: number,
  scale: number,
  out: Float64Array,
) {
  const inv = 1 / (na * nb);
  const self = cos / (na * na);
  for (let i = 0; i < a.length; i++) out[i] += scale * (b[i] * inv - a[i] * self);
}

function project(
  p: Float64Array,
  m: number,
  dim: number,
  x: Float32Array,
  xo: number,
  out: Float64Array,
): number {
  let norm = 0;
  for (let i = 0; i < m; i++) {
    const s = dot(p, i * dim, x, xo, dim);
    out[i] = s;
    norm += s * s;
  }
  return Math.sqrt(norm) || 1e-12;
}

/**
 * Trains SimHash directions on `queries` (`[queryRows, dim]`) against `neurons` (`[neuronRows, dim]`)
 * and returns the learned hash with the mean triplet loss of each epoch. The starting point is the
 * random `SimHash` of the same seed, so the two compare like for like.
 */
export async function trainLearnableHash(
  queries: Float32Array,
  queryRows: number,
  neurons: Float32Array,
  neuronRows: number,
  options: LearnableHashOptions,
): Promise<{ hash: SimHash; losses: number[] }> {
  const dim = queryRows > 0 ? queries.length / queryRows : 0;
  if (!Number.isSafeInteger(dim) || dim < 1 || neurons.length !== neuronRows * dim) {
    throw new InvalidArgumentError(
      `trainLearnableHash: queries [${queryRows}, d] and neurons [${neuronRows}, d] must share a width d ≥ 1`,
    );
  }
  const positives = Math.min(options.positives ?? 5, neuronRows);
  if (neuronRows < 2 * positives) {
    throw new InvalidArgumentError(
      'trainLearnableHash: need at least twice as many neurons as positives per query',
    );
  }
  const { hashesPerTable: k, tables } = options;
  const start = new SimHash({ dim, hashesPerTable: k, tables, seed: options.seed });
  const m = k * tables;
  const margin = options.margin ?? 0.5;
  const lr = options.learningRate ?? 0.05;
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  const kernels = options.kernels ?? tsKernels;
  const rng = new Random((options.seed ?? 0) ^ 0x5bd1e995);

  // Positives: each query's top inner products. Negatives: any neuron in the lower half.
  const ip = await kernels.matmul(queries, neurons, queryRows, dim, neuronRows, { transposeB: true });
  const top = await kernels.topk(ip, queryRows, neuronRows, positives);
  const median = new Float64Array(queryRows);
  for (let i = 0; i < queryRows; i++) {
    const row = Array.from(ip.subarray(i * neuronRows, (i + 1) * neuronRows)).sort((x, y) => x - y);
    median[i] = row[row.length >> 1];
  }

  const p = Float64Array.from(start.projections);
  const mom = new Float64Array(p.length);
  const vel = new Float64Array(p.length);
  const grad = new Float64Array(p.length);
  const a = new Float64Array(m);
  const bp = new Float64Array(m);
  const bn = new Float64Array(m);
  const ga = new Float64Array(m);
  const gp = new Float64Array(m);
  const gn = new Float64Array(m);
  const losses: number[] = [];
  let t = 0;
  const order = Array.from({ length: queryRows }, (_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let epochLoss = 0;
    for (let b0 = 0; b0 < order.length; b0 += batchSize) {
      grad.fill(0);
      const b1 = Math.min(b0 + batchSize, order.length);
      for (let s = b0; s < b1; s++) {
        const qi = order[s];
        const pos = top.indices[qi * positives + rng.int(positives)];
        let neg = rng.int(neuronRows);
        for (let tries = 0; ip[qi * neuronRows + neg] > median[qi] && tries < 20; tries++)
          neg = rng.int(neuronRows);
        const na = project(p, m, dim, queries, qi * dim, a);
        const np = project(p, m, dim, neurons, pos * dim, bp);
        const nn = project(p, m, dim, neurons, neg * dim, bn);
        const cp = dot(a, 0, bp, 0, a.length) / (na * np);
        const cn = dot(a, 0, bn, 0, a.length) / (na * nn);
        const loss = margin - cp + cn;
        if (loss <= 0) continue;
        epochLoss += loss;
        ga.fill(0);
        gp.fill(0);
        gn.fill(0);
        addCosGrad(a, bp, na, np, cp, -1, ga);
        addCosGrad(a, bn, na, nn, cn, 1, ga);
        addCosGrad(bp, a, np, na, cp, -1, gp);
        addCosGrad(bn, a, nn, na, cn, 1, gn);
        // dL/dP = ga·qᵀ + gp·w⁺ᵀ + gn·w⁻ᵀ
        for (let r = 0; r < m; r++) {
          const ro = r * dim;
          for (let c = 0; c < dim; c++) {
            grad[ro + c] +=
              ga[r] * queries[qi * dim + c] + gp[r] * neurons[pos * dim + c] + gn[r] * neurons[neg * dim + c];
          }
        }
      }
      t++;
      const scale = 1 / (b1 - b0);
      const c1 = 1 - 0.9 ** t;
      const c2 = 1 - 0.999 ** t;
      for (let i = 0; i < p.length; i++) {
        const g = grad[i] * scale;
        mom[i] = 0.9 * mom[i] + 0.1 * g;
        vel[i] = 0.999 * vel[i] + 0.001 * g * g;
        p[i] -= (lr * (mom[i] / c1)) / (Math.sqrt(vel[i] / c2) + 1e-8);
      }
    }
    losses.push(epochLoss / Math.max(queryRows, 1));
  }
  return { hash: new SimHash({ dim, hashesPerTable: k, tables, projections: Float32Array.from(p) }), losses };
}
