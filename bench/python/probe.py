#!/usr/bin/python3
"""Python twin of ProbeBenchmark (case `probe`): every probe of the Fashion concept set — for each
concept and probe point, the task probe and the control-task probe — fitted with sklearn's
LogisticRegression() (the reference's defaults: C=1, lbfgs, max_iter=100, tol=1e-4) on the
features `lamina probe --export-features` wrote (same rows, same train/test split), then scored on
the test rows.

Writes {"cases": {"<benchmark>|model=<m>": mean ms per call}, "accuracy": {...}} and prints the
largest accuracy difference to Lamina's probe.json for the same probes.
"""
import argparse
import glob
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

MODELS = ["fashion-cnn", "fashion-vit"]


def load(folder):
    with open(os.path.join(folder, "probe.json")) as f:
        probe = json.load(f)
    concepts = []
    for c in probe["concepts"]:
        data = np.load(os.path.join(folder, "features-" + c["name"] + ".npz"))
        concepts.append({
            "name": c["name"], "points": c["points"], "lamina_acc": c["acc"],
            "x": [data[p] for p in c["points"]], "y": data["labels"], "control": data["controlLabels"],
            "train": data["trainIndex"], "test": data["testIndex"],
        })
    return concepts


def all_probes(concepts):
    acc = {}
    for c in concepts:
        tr, te = c["train"], c["test"]
        for p, x in zip(c["points"], c["x"]):
            for kind, y in (("task", c["y"]), ("control", c["control"])):
                clf = LogisticRegression().fit(x[tr], y[tr])
                acc[(c["name"], p, kind)] = float((clf.predict(x[te]) == y[te]).mean())
    return acc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--models")
    ap.add_argument("--batches")
    args = ap.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    root = os.environ["LAMINA_BENCH_INPUT"]
    cases, accuracy = {}, {}
    for m in MODELS:
        concepts = load(os.path.join(root, m))
        ms = measure(lambda: all_probes(concepts))
        cases[f"newtonAllProbes|model={m}"] = ms
        acc = all_probes(concepts)
        diffs = [abs(acc[(c["name"], p, "task")] - c["lamina_acc"][k]) for c in concepts
                 for k, p in enumerate(c["points"])]
        accuracy[m] = {"probes": len(acc), "maxAbsDiffToLamina": max(diffs), "meanAbsDiffToLamina": float(np.mean(diffs))}
        print(f"  {m}: {len(acc)} probes, sklearn vs Lamina (Newton) task accuracy: max |diff| {max(diffs):.4f}, "
              f"mean {np.mean(diffs):.4f}", file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump({"cases": cases, "accuracy": accuracy, "threads": args.threads, "sklearn": sklearn.__version__},
                  f, indent=1)


if __name__ == "__main__":
    main()
