/** Long Range Arena data sets written to disk. */
export { type ListOpsFiles, listOpsTsv, writeListOpsTsv } from './listops-tsv.js';
