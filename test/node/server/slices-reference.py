# The independent reference of test/node/server/slices.test.ts: a classifier's metrics per slice
# computed from their textbook formulas with numpy and pandas (no Tessera code), from a JSON file
# of rows {label, pred, probs, region, blob, split} and a class list (and "bootstrap": false to
# skip the bootstrap widths, which take long on many rows). Prints JSON.
import json
import sys
from statistics import NormalDist

import numpy as np
import pandas as pd

spec = json.load(open(sys.argv[1]))
classes = spec["classes"]
df = pd.DataFrame(spec["rows"])
if spec.get("split"):
    df = df[df["split"] == spec["split"]]
df = df[df["label"].notna() & df["pred"].notna()]
k = len(classes)
code = {c: i for i, c in enumerate(classes)}
z = NormalDist().inv_cdf(0.975)


def wilson(successes, n):
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return [max(0.0, centre - half), min(1.0, centre + half)]


def confusion(d):
    m = np.zeros((k, k), dtype=int)
    for t, p in zip(d["label"], d["pred"]):
        m[code[t], code[p]] += 1
    return m


def macro_f1(d):
    m = confusion(d)
    f1 = []
    for c in range(k):
        tp = m[c, c]
        denom = m[:, c].sum() + m[c, :].sum()
        f1.append(0.0 if denom == 0 else 2 * tp / denom)
    return float(np.mean(f1))


def auc_macro(d):
    probs = np.array(d["probs"].tolist(), dtype=np.float64)
    truth = np.array([code[t] for t in d["label"]])
    aucs = []
    for c in range(k):
        pos = truth == c
        npos, nneg = pos.sum(), (~pos).sum()
        if npos == 0 or nneg == 0:
            continue
        ranks = pd.Series(probs[:, c]).rank(method="average").to_numpy()
        aucs.append((ranks[pos].sum() - npos * (npos + 1) / 2) / (npos * nneg))
    return float(np.mean(aucs)) if aucs else None


def calibration(d, bins=15):
    probs = np.array(d["probs"].tolist(), dtype=np.float64)
    truth = np.array([code[t] for t in d["label"]])
    pred = probs.argmax(axis=1)
    conf = probs.max(axis=1)
    b = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    out = []
    for i in range(bins):
        sel = b == i
        n = int(sel.sum())
        out.append({
            "count": n,
            "confidence": float(conf[sel].mean()) if n else None,
            "accuracy": float((pred[sel] == truth[sel]).mean()) if n else None,
        })
    ece = sum(o["count"] / len(d) * abs(o["accuracy"] - o["confidence"]) for o in out if o["count"])
    return out, ece


def bootstrap_width(d, stat, samples=400):
    rng = np.random.default_rng(7)
    values = []
    for _ in range(samples):
        idx = rng.integers(0, len(d), len(d))
        v = stat(d.iloc[idx])
        if v is not None:
            values.append(v)
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(hi - lo)


def metrics(d):
    correct = int((d["label"] == d["pred"]).sum())
    bins, ece = calibration(d)
    return {
        "count": len(d),
        "accuracy": correct / len(d),
        "accuracy_interval": wilson(correct, len(d)),
        "f1_macro": macro_f1(d),
        "f1_width": bootstrap_width(d, macro_f1) if spec.get("bootstrap", True) else None,
        "roc_auc": auc_macro(d),
        "ece": ece,
    }


overall = metrics(df)
out = {
    "overall": overall,
    "confusion": confusion(df).tolist(),
    "calibration": calibration(df)[0],
    "region": {},
    "blob": {},
}
for key in ["region", "blob"]:
    for value, d in df.groupby(df[key].astype(object).where(df[key].notna(), "null"), sort=True):
        out[key][str(value)] = metrics(d)
print(json.dumps(out))
