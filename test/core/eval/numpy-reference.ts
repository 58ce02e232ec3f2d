/**
 * Reference metrics computed by numpy (Debian's /usr/bin/python3), by formula, from the same
 * inputs the tests give Tessera. Nothing here shares code with src/core/eval.
 */
import { spawnSync } from 'node:child_process';
import { PYTHON } from '../../helpers/references.js';

/** Metrics of one classification case: integer labels 0..k-1, predictions, probabilities [n, k]. */
const SCRIPT = `
import json, sys
import numpy as np
cases = json.load(sys.stdin)
out = []
for c in cases:
    y = np.array(c['truth'], dtype=np.int64)
    p = np.array(c['pred'], dtype=np.int64)
    k = int(c['k'])
    P = np.array(c['probs'], dtype=np.float64).reshape(len(y), k)
    logits = np.array(c['logits'], dtype=np.float64).reshape(len(y), k)
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (y, p), 1)
    tp = np.diag(cm).astype(np.float64)
    pred_n = cm.sum(axis=0).astype(np.float64)
    true_n = cm.sum(axis=1).astype(np.float64)
    with np.errstate(divide='ignore', invalid='ignore'):
        prec = np.where(pred_n > 0, tp / pred_n, 0.0)
        rec = np.where(true_n > 0, tp / true_n, 0.0)
        f1 = np.where(pred_n + true_n > 0, 2 * tp / (pred_n + true_n), 0.0)
    # ROC-AUC one-vs-rest by counting pairs (positive above negative, ties one half).
    aucs = []
    for cl in range(k):
        s = P[:, cl]
        pos = s[y == cl]
        neg = s[y != cl]
        if len(pos) == 0 or len(neg) == 0:
            aucs.append(None)
            continue
        gt = (pos[:, None] > neg[None, :]).sum()
        eq = (pos[:, None] == neg[None, :]).sum()
        aucs.append(float((gt + 0.5 * eq) / (len(pos) * len(neg))))
    eps = 1e-15
    ll = float(-np.mean(np.log(np.clip(P[np.arange(len(y)), y], eps, 1 - eps))))
    conf = P.max(axis=1)
    hat = P.argmax(axis=1)
    B = 15
    edges = np.linspace(0, 1, B + 1)
    ece = 0.0
    for b in range(B):
        lo, hi = edges[b], edges[b + 1]
        m = (conf > lo) & (conf <= hi) if b > 0 else (conf >= lo) & (conf <= hi)
        if m.sum() > 0:
            ece += m.sum() / len(y) * abs((hat[m] == y[m]).mean() - conf[m].mean())
    z = logits - logits.max(axis=1, keepdims=True)
    soft = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    with np.errstate(divide='ignore', invalid='ignore'):
        ent = -np.sum(np.where(P > 0, P * np.log(P), 0.0), axis=1)
    srt = np.sort(P, axis=1)
    marg = srt[:, -1] - srt[:, -2]
    t = np.array(c['target'], dtype=np.float64)
    q = np.array(c['estimate'], dtype=np.float64)
    out.append({
        'confusion': cm.tolist(),
        'accuracy': float((y == p).mean()),
        'precision': prec.tolist(), 'recall': rec.tolist(), 'f1': f1.tolist(),
        'macro_precision': float(prec.mean()), 'macro_recall': float(rec.mean()), 'macro_f1': float(f1.mean()),
        'micro_f1': float(tp.sum() / len(y)),
        'auc': aucs,
        'log_loss': ll,
        'ece': float(ece),
        'softmax': soft.ravel().tolist(),
        'entropy': ent.tolist(),
        'margin': marg.tolist(),
        'argmax': hat.tolist(),
        'mae': float(np.mean(np.abs(t - q))),
        'rmse': float(np.sqrt(np.mean((t - q) ** 2))),
        'r2': float(1 - np.sum((t - q) ** 2) / np.sum((t - t.mean()) ** 2)),
    })
json.dump(out, sys.stdout)
`;

export interface ReferenceCase {
  truth: number[];
  pred: number[];
  k: number;
  probs: number[];
  logits: number[];
  target: number[];
  estimate: number[];
}

export interface ReferenceResult {
  confusion: number[][];
  accuracy: number;
  precision: number[];
  recall: number[];
  f1: number[];
  macro_precision: number;
  macro_recall: number;
  macro_f1: number;
  micro_f1: number;
  auc: (number | null)[];
  log_loss: number;
  ece: number;
  softmax: number[];
  entropy: number[];
  margin: number[];
  argmax: number[];
  mae: number;
  rmse: number;
  r2: number;
}

/** Run the numpy reference on several cases at once (one python start). */
export function numpyReference(cases: ReferenceCase[]): ReferenceResult[] {
  const res = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`numpy reference failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as ReferenceResult[];
}
