/** Named datasets generated in code: kept out of the core API (import them from here). */
export {
  drawListOpsTree,
  evaluateListOps,
  generateListOps,
  LISTOPS_END,
  LISTOPS_OPERATOR_PROBABILITY,
  LISTOPS_OPERATORS,
  type ListOpsExample,
  type ListOpsOperator,
  type ListOpsOptions,
  type ListOpsSplits,
  type ListOpsTree,
  type ListOpsTreeOptions,
  listOpsOperatorDepth,
  listOpsTokens,
  listOpsToString,
} from './listops/generate.js';
export { type ListOpsFiles, listOpsTsv, writeListOpsTsv } from './listops/tsv.js';
