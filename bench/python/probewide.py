#!/usr/bin/python3
"""Python twin of ProbewideBenchmark (case `probewide`): sklearn's LogisticRegression() with the
reference's defaults (C=1, lbfgs, max_iter=100, tol=1e-4) on the data of probewide.prepare.sh:
  wide          one probe on 1,000 × 100,352 (float32 data; sklearn's lbfgs works in float64)
  narrow24      24 probes on the same 60 × 2,048 rows (ResNet-50 pooled shape)
Writes {"cases": {...: ms per call}, "trainAccuracy": {...}, "objective": {...}}.
"""
import argparse
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.dirname(__file__))
from harness import measure  # noqa: E402


def load(folder):
    shapes = json.load(open(os.path.join(folder, "shapes.json")))
    n, d = shapes["wide"]
    x = np.fromfile(os.path.join(folder, "wide.f32"), dtype="<f4").reshape(n, d)
    y = np.fromfile(os.path.join(folder, "wide-labels.i32"), dtype="<i4")
    xn = np.fromfile(os.path.join(folder, "narrow.f32"), dtype="<f4").reshape(shapes["narrow"])
    yn = np.fromfile(os.path.join(folder, "narrow-labels.i32"), dtype="<i4").reshape(shapes["narrowProbes"], -1)
    return x, y, xn, yn


def objective(clf, x, y):
    z = x.astype(np.float64) @ clf.coef_[0] + clf.intercept_[0]
    return float(0.5 * clf.coef_[0] @ clf.coef_[0] + np.sum(np.logaddexp(0, z) - y * z))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--models")
    ap.add_argument("--batches")
    args = ap.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    x, y, xn, yn = load(os.environ["LAMINA_BENCH_INPUT"])
    last = {}

    def wide():
        last["wide"] = LogisticRegression().fit(x, y)

    def narrow():
        last["narrow"] = [LogisticRegression().fit(xn, t) for t in yn]

    cases = {"wide": measure(wide), "narrow24": measure(narrow)}
    clf = last["wide"]
    out = {"cases": cases, "threads": args.threads, "sklearn": sklearn.__version__,
           "wide": {"trainAccuracy": float(clf.score(x, y)), "objective": objective(clf, x, y),
                    "iterations": int(clf.n_iter_[0])},
           "narrow24": {"meanTrainAccuracy": float(np.mean([c.score(xn, t) for c, t in zip(last["narrow"], yn)]))}}
    print("  sklearn wide: objective %.6f, train accuracy %.4f, %d iterations" % (
        out["wide"]["objective"], out["wide"]["trainAccuracy"], out["wide"]["iterations"]), file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
