/** Rows of each group, as CSR: the rows of group `g` are `rows[offsets[g] .. offsets[g + 1])`. */
export interface GroupRows {
  offsets: Int32Array;
  rows: Int32Array;
}

/** Counting sort of rows by group id: CSR offsets and rows (ascending within each group). */
export function groupRows(ids: Int32Array, ngroups: number, n: number): GroupRows {
  const offsets = new Int32Array(ngroups + 1);
  for (let i = 0; i < n; i++) offsets[ids[i] + 1]++;
  for (let g = 0; g < ngroups; g++) offsets[g + 1] += offsets[g];
  const cursor = offsets.slice(0, ngroups);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[cursor[ids[i]]++] = i;
  return { offsets, rows };
}
