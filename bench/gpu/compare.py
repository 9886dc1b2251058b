#!/usr/bin/env python3
"""Compares a GPU-check run (check.sh) with the CPU reference packed by pack.sh and writes the table.

  compare.py REFERENCE RUN [--cpu-run DIR] [--twin JSON] [--twin-cpu JSON] [--samples DIR] [--header TEXT] --out DIR

REFERENCE and RUN are folders written by suite.sh's run_suite (one sub-folder per step, with
stdout.json, files/*.json|csv, seconds, rc). Every number in a step's JSON and CSV outputs is
compared leaf by leaf with the reference (keys naming times, paths, devices or versions are
skipped); a step passes when the largest absolute difference is within its stated tolerance
(TOLERANCES) and the structure (keys, list lengths, strings) is the same. evaluate must give the
reference's accuracy exactly. predict's logits are also compared with the Python logits the sample
was exported with (reference-outputs.npz, first 8 test images).

Only the Python standard library is needed, plus numpy for the .npz (the target has torch, so numpy).
Writes OUT/gpu-check.md and OUT/gpu-check.csv and prints the markdown table.
"""
import argparse
import csv
import io
import json
import math
import os
import re
import sys
import zipfile

# Largest absolute difference accepted per step, and why. Float32 results on another libtorch
# build or device differ in the last bits: reductions are summed in another order (cuDNN / cuBLAS
# pick their own algorithms), so sums of thousands of terms differ by ~1e-6 relative.
TOLERANCES = {
    "evaluate": (0.0, "accuracy and confusion are counts: must be identical"),
    "predict": (1e-3, "logits of 8 images, float32 (reference: |logit| < 30)"),
    "craft": (2e-2, "NMF of 40x100 crops: iterative, sensitive to last-bit differences in the activations"),
    "neuronpath": (2e-2, "JAS and path scores from 20-step Riemann sums of gradients"),
    "probe": (2e-2, "probe accuracies over 400 samples: one flipped sample is 1/160 = 6e-3"),
    "chmcorr": (2e-2, "cosine similarities and their ranking over 600 gallery images"),
    "infoplane": (1e-4, "no --device: the MLP and the KDE run on libtorch's default device; CSVs keep 6 digits"),
}
# Keys whose values describe the run, not its result.
SKIP_KEY = re.compile(r"(?i)(seconds|millis|timing|elapsed|duration|time|date|device|engine|torch|version|path|dir|file|sha|"
                      r"command|cache|host|threads|created|started|finished)")
SKIP_EXACT = {"input", "out", "output", "query", "arguments"}  # file names of inputs and outputs, command lines


def load_json(path):
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else None


def load_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def as_number(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


class Diff:
    def __init__(self):
        self.max_abs = 0.0  # max |ref - run| / max(1, |ref|): what the tolerance bounds
        self.max_raw = 0.0  # max |ref - run|
        self.where = ""
        self.leaves = 0
        self.structure = []

    def number(self, a, b, where):
        self.leaves += 1
        if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
            if not (a is None and b is None) and not (_isnan(a) and _isnan(b)):
                self.structure.append(f"{where}: {a} vs {b}")
            return
        d = abs(float(a) - float(b))
        self.max_raw = max(self.max_raw, d)
        d = d / max(1.0, abs(float(a)))  # absolute below 1, relative above (reconstruction errors, counts)
        if d > self.max_abs:
            self.max_abs, self.where = d, where

    def walk(self, a, b, where=""):
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                if SKIP_KEY.search(k) or k in SKIP_EXACT:
                    continue
                if k not in a or k not in b:
                    self.structure.append(f"{where}/{k}: only in {'reference' if k in a else 'run'}")
                    continue
                self.walk(a[k], b[k], f"{where}/{k}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                self.structure.append(f"{where}: {len(a)} vs {len(b)} items")
            for i, (x, y) in enumerate(zip(a, b)):
                self.walk(x, y, f"{where}[{i}]")
        elif isinstance(a, bool) or isinstance(b, bool):
            if a != b:
                self.structure.append(f"{where}: {a} vs {b}")
        elif isinstance(a, (int, float)) or isinstance(b, (int, float)):
            self.number(a, b, where)
        elif a != b:
            na, nb = as_number(a), as_number(b)
            if na is not None and nb is not None:
                self.number(na, nb, where)
            else:
                self.structure.append(f"{where}: {str(a)[:40]!r} vs {str(b)[:40]!r}")

    def table(self, a, b, where):
        header = a[0] if a else []
        skip = {i for i, h in enumerate(header) if SKIP_KEY.search(h)}
        if len(a) != len(b):
            self.structure.append(f"{where}: {len(a)} vs {len(b)} rows")
        for r, (ra, rb) in enumerate(zip(a, b)):
            for c, (x, y) in enumerate(zip(ra, rb)):
                if c in skip:
                    continue
                nx, ny = as_number(x), as_number(y)
                if nx is not None and ny is not None:
                    self.number(nx, ny, f"{where}[{r},{header[c] if c < len(header) else c}]")
                elif x != y:
                    self.structure.append(f"{where}[{r},{c}]: {x!r} vs {y!r}")


def _isnan(v):
    return isinstance(v, float) and math.isnan(v)


def outputs(step_dir):
    """The step's comparable files: stdout.json (when JSON) and files/**/*.json|csv, by relative name."""
    found = {}
    s = os.path.join(step_dir, "stdout.json")
    if os.path.isfile(s):
        try:
            j = load_json(s)
            if j is not None:
                found["stdout.json"] = ("json", j)
        except json.JSONDecodeError:
            pass
    fdir = os.path.join(step_dir, "files")
    for base, _, names in os.walk(fdir):
        for n in sorted(names):
            p = os.path.join(base, n)
            rel = os.path.relpath(p, fdir)
            if n.endswith(".json"):
                found[rel] = ("json", load_json(p))
            elif n.endswith(".csv"):
                found[rel] = ("csv", load_csv(p))
    return found


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def npz_logits(npz_path):
    import numpy as np  # only for the sample's reference-outputs.npz
    with np.load(npz_path) as z:
        return z["logits"]


def compare_step(name, ref_dir, run_dir, samples):
    kind = name.split("-")[0]
    tol, why = TOLERANCES[kind]
    rc = read(os.path.join(run_dir, "rc"), "missing")
    row = {"step": name, "tolerance": tol, "why": why, "note": ""}
    if rc != "0":
        err = read(os.path.join(run_dir, "stderr.txt")).splitlines()
        row.update(result="FAIL", max_abs="", where="", note=f"exit {rc}: " + (err[-1][:160] if err else ""))
        return row
    ref, run = outputs(ref_dir), outputs(run_dir)
    d = Diff()
    for rel in sorted(set(ref) | set(run)):
        if rel not in ref or rel not in run:
            d.structure.append(f"{rel}: only in {'reference' if rel in ref else 'run'}")
            continue
        (ka, a), (_, b) = ref[rel], run[rel]
        if ka == "json":
            d.walk(a, b, rel)
        else:
            d.table(a, b, rel)
    notes = []
    if kind == "evaluate":
        acc_ref, acc_run = ref["stdout.json"][1]["accuracy"], run["stdout.json"][1]["accuracy"]
        notes.append(f"accuracy {acc_run:.4f} (CPU reference {acc_ref:.4f})")
    if kind == "predict" and samples:
        model = name.split("-", 1)[1]
        try:
            py = npz_logits(os.path.join(samples, model, "reference-outputs.npz"))
            got = [item["logits"] for item in run["stdout.json"][1]["results"]]
            m = max(abs(float(x) - float(y)) for gr, pr in zip(got, py.tolist()) for x, y in zip(gr, pr))
            notes.append(f"logits vs Python's (reference-outputs.npz): max abs diff {m:.2e}")
        except Exception as e:  # noqa: BLE001 — a missing numpy or another JSON shape is reported, not fatal
            notes.append(f"Python logits not compared ({type(e).__name__}: {e})")
    ok = not d.structure and d.max_abs <= tol and d.leaves > 0
    if d.structure:
        notes.append(f"{len(d.structure)} structural differences, first: {d.structure[0]}")
    if d.leaves == 0:
        notes.append("no numbers compared")
    row.update(result="ok" if ok else "DIFF", max_abs=f"{d.max_abs:.2e}", where=d.where[:70], leaves=d.leaves,
               note="; ".join(notes))
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("reference")
    ap.add_argument("run")
    ap.add_argument("--cpu-run", help="the same suite on that machine's CPU (timings)")
    ap.add_argument("--twin", help="bench/python/runner.py output on the run's device")
    ap.add_argument("--twin-cpu", help="bench/python/runner.py output on that machine's CPU")
    ap.add_argument("--samples")
    ap.add_argument("--header", default="")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    order = list(TOLERANCES)
    steps = sorted((d for d in os.listdir(args.reference) if os.path.isdir(os.path.join(args.reference, d))),
                   key=lambda d: (order.index(d.split("-")[0]) if d.split("-")[0] in order else len(order), d))
    rows = []
    for s in steps:
        row = compare_step(s, os.path.join(args.reference, s), os.path.join(args.run, s), args.samples)
        row["run_s"] = read(os.path.join(args.run, s, "seconds"))
        row["ref_s"] = read(os.path.join(args.reference, s, "seconds"))
        cpu_s = read(os.path.join(args.cpu_run, s, "seconds")) if args.cpu_run else ""
        row["cpu_s"] = cpu_s
        try:
            row["ratio"] = f"{float(cpu_s) / float(row['run_s']):.2f}" if cpu_s else ""
        except (ValueError, ZeroDivisionError):
            row["ratio"] = ""
        rows.append(row)
    if args.twin:
        twin = load_json(args.twin)["cases"]
        twin_cpu = load_json(args.twin_cpu)["cases"] if args.twin_cpu else {}
        for case, ms in sorted(twin.items()):
            c = twin_cpu.get(case)
            rows.append({"step": "python " + case, "result": "", "max_abs": "", "tolerance": "", "where": "",
                         "run_s": f"{ms / 1000:.4f}", "ref_s": "", "cpu_s": f"{c / 1000:.4f}" if c else "",
                         "ratio": f"{c / ms:.2f}" if c else "", "note": "bench/python/runner.py, s per call", "why": ""})
    os.makedirs(args.out, exist_ok=True)
    cols = ["step", "result", "max_abs", "tolerance", "leaves", "run_s", "cpu_s", "ratio", "ref_s", "note"]
    heads = ["step", "result", "max diff", "tolerance", "numbers compared", "run s", "CPU s (same machine)", "CPU/run", "reference s", "notes"]
    lines = []
    if args.header:
        lines += [args.header, ""]
    lines.append("| " + " | ".join(heads) + " |")
    lines.append("|" + "---|" * len(heads))
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(c, "")).replace("|", "/") for c in cols) + " |")
    lines += ["", "max diff: the largest |reference - run| / max(1, |reference|) over every number of the step's JSON and "
              "CSV outputs (absolute below 1, relative above). Tolerances: " + "; ".join(f"{k} {v[0]:g} ({v[1]})" for k, v in TOLERANCES.items()) + "."]
    md = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "gpu-check.md"), "w") as f:
        f.write(md)
    with open(os.path.join(args.out, "gpu-check.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols + ["where", "why"], extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    sys.stdout.write(md)
    return 0 if all(r["result"] in ("ok", "") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
