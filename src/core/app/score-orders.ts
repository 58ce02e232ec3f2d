/**
 * The sorted orders of a score column that the slices panel's ROC-AUC walks, sorted once per column
 * while the server runs (columns are immutable) and narrowed to each request's evaluated rows by a
 * pass over them, so asking again (another grouping, another filter) sorts nothing.
 */
import type { Column } from '../column/column.js';
import { TensorColumn } from '../column/tensor.js';
import { scoreOrders } from '../eval/auc-by-slot.js';
import { readScores } from '../eval/scores.js';

/** Per score column, the orders of all its rows. */
const ORDERS = new WeakMap<Column, Int32Array[]>();

/**
 * The score orders of the evaluated rows, `frameRows[p]` being the frame row of evaluated row `p`
 * (increasing): the column's orders with the rows that are not evaluated left out, each row named
 * by its evaluated position.
 */
export function evaluatedScoreOrders(column: Column, frameRows: Int32Array): Int32Array[] {
  let orders = ORDERS.get(column);
  if (orders === undefined) {
    const s = readScores(column);
    // A float32 tensor's own values (the same numbers): its scores need no narrowing to sort.
    const data = column instanceof TensorColumn && column.data instanceof Float32Array ? column.data : s.data;
    orders = scoreOrders(data, s.k);
    ORDERS.set(column, orders);
  }
  // Every row evaluated (no filter, nothing missing): the orders as they are.
  if (frameRows.length === column.length) return orders;
  const position = new Int32Array(column.length).fill(-1);
  for (let p = 0; p < frameRows.length; p++) position[frameRows[p]] = p;
  return orders.map((order) => {
    const out = new Int32Array(frameRows.length);
    let at = 0;
    for (let i = 0; i < order.length; i++) {
      const p = position[order[i]];
      if (p >= 0) out[at++] = p;
    }
    return out;
  });
}
