/**
 * Memory budgets of the attention methods, in the units of Scatterbrain's equal-memory comparisons
 * (Chen, Dao et al. 2021): one unit is one stored score per query, i.e. one entry of a row of the
 * (sparse) attention matrix, and one random feature counts as two units (its query and its key
 * feature). Exact attention takes `n` units; at n = 3136 the paper's "1/32 of the memory" is 98:
 * local window 98, Reformer bucket 49 × 2 hashes, SMYRF cluster 49 × 2, Performer 49 features,
 * SB-local window 49 + 24 features, SB-SMYRF cluster 24 × 2 + 24 features.
 *
 * Each helper takes the options of its method (only the budget fields) and returns units per query.
 */

/** Units one random feature costs (query and key feature). */
export const UNITS_PER_FEATURE = 2;

/** Units per query of each method, from its budget options. */
export const memoryUnits = {
  /** Exact attention: every key, `n`. */
  exact: (n: number): number => n,
  /** Local window: the keys `i ± window` (`2·window + 1`), or `window + 1` when causal. */
  local: (o: { window: number; causal?: boolean }): number => (o.causal ? o.window + 1 : 2 * o.window + 1),
  /** Performer: `m` features, 2 units each (the hyperbolic variant stores `2m` features). */
  performer: (o: { features?: number; variant?: 'positive' | 'hyperbolic' }): number =>
    UNITS_PER_FEATURE * (o.features ?? 256) * (o.variant === 'hyperbolic' ? 2 : 1),
  /** Linear attention: `d` features (elu + 1 of queries and keys), 2 units each. */
  linear: (d: number): number => UNITS_PER_FEATURE * d,
  /** Linformer: one score per projected key, `projectedLength`. */
  linformer: (o: { projectedLength: number }): number => o.projectedLength,
  /**
   * Reformer: `bucketSize × rounds`, as the paper counts it (each chunk also looks one chunk back,
   * so the scores computed per query are twice that).
   */
  reformer: (o: { bucketSize: number; rounds?: number }): number => o.bucketSize * (o.rounds ?? 1),
  /** SMYRF: `clusterSize × rounds`. */
  smyrf: (o: { clusterSize: number; rounds?: number }): number => o.clusterSize * (o.rounds ?? 1),
  /**
   * Routing attention: `clusters` clusters of `windowSize` queries and keys hold
   * `clusters · windowSize²` scores, `clusters · windowSize² / n` per query on average (`windowSize`
   * when the clusters tile the sequence, `clusters · windowSize = n`).
   */
  routing: (o: { clusters: number; windowSize: number }, n: number): number =>
    (o.clusters * o.windowSize * o.windowSize) / n,
  /**
   * Scatterbrain: the sparse part (the local window's keys, or SMYRF's `clusterSize × rounds`) plus
   * 2 units per random feature.
   */
  scatterbrain: (o: {
    variant?: 'local' | 'smyrf';
    window?: number;
    clusterSize?: number;
    rounds?: number;
    features?: number;
    causal?: boolean;
  }): number => {
    const sparse =
      o.variant === 'smyrf'
        ? memoryUnits.smyrf({ clusterSize: o.clusterSize ?? 0, rounds: o.rounds })
        : memoryUnits.local({ window: o.window ?? 0, causal: o.causal });
    return sparse + UNITS_PER_FEATURE * (o.features ?? 256);
  },
};
