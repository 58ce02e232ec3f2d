/** Locality-sensitive hash families, shared by the search indexes and SLIDE's layers. */
export { DwtaHash, type DwtaOptions } from './dwta.js';
export { E2LshFamily } from './e2lsh.js';
export type { HashFamily, LshKind } from './hash-family.js';
export type { NeuronHash } from './neuron-hash.js';
export {
  MAX_PERTURBATION_POSITIONS,
  PerturbationGenerator,
  perturbationSets,
} from './perturbation.js';
export { MAX_SIMHASH_BITS, SimHash, type SimHashOptions } from './simhash.js';
