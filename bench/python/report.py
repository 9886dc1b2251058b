#!/usr/bin/python3
"""Reads the JMH JSON and Python JSON files of bench/compare.sh rounds and prints, per case,
median Java ms, median Python ms, ratio Python/Java, then `NAME: ratio X.XX` (geometric mean)."""
import glob
import json
import math
import os
import statistics
import sys


def java_cases(path):
    out = {}
    with open(path) as f:
        for entry in json.load(f):
            bench = entry["benchmark"].rsplit(".", 1)[1]
            params = entry.get("params", {})
            key = bench + "".join(f"|{k}={params[k]}" for k in sorted(params, key=lambda k: (k != "model", k)))
            out[key] = entry["primaryMetric"]["score"]
    return out


def main():
    name, folder = sys.argv[1], sys.argv[2]
    java, python = {}, {}
    for p in sorted(glob.glob(os.path.join(folder, "java-*.json"))):
        for k, v in java_cases(p).items():
            java.setdefault(k, []).append(v)
    for p in sorted(glob.glob(os.path.join(folder, "python-*.json"))):
        with open(p) as f:
            for k, v in json.load(f)["cases"].items():
                python.setdefault(k, []).append(v)
    keys = [k for k in java if k in python]
    if not keys:
        sys.exit("no case measured on both sides")
    print(f"{'case':58s} {'java ms':>10s} {'python ms':>10s} {'py/java':>8s}")
    logs = []
    for k in keys:
        j, p = statistics.median(java[k]), statistics.median(python[k])
        logs.append(math.log(p / j))
        print(f"{k:58s} {j:10.3f} {p:10.3f} {p / j:8.2f}")
    print(f"{name}: ratio {math.exp(sum(logs) / len(logs)):.2f}")


if __name__ == "__main__":
    main()
