/** Long Range Arena tasks, generated in code. */
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
} from './listops.js';
