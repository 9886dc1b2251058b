#!/usr/bin/env python3
"""Independent Python check of concept depth on the sample LMs (issue #19's expected result).

    /usr/bin/python3 sample-models/lm-training/probe_depth.py [--token last|word|mean] BUILD/tiny-lm-4 BUILD/tiny-lm-8

For each Hugging Face-layout checkpoint (as train_lm.py writes it) and each concept of
sample-models/concepts/lm-concepts.json: the hidden state at the LAST token of each statement (with <s>,
no </s>) after the embedding and after every block, then an sklearn LogisticRegression (C=1, lbfgs) per
layer, accuracy by 5-fold cross-validation with the statements' groups kept apart (GroupKFold). The
control concept is the fact concept's statements with random labels fixed per statement (seed 42).
``--token word`` takes the token before the final punctuation (the country / category / colour word),
``--token mean`` the mean over the real tokens after <s>. This is the CD repository's recipe (a forward per statement, last-token hidden states, a linear probe
per layer) in a few lines; Lamina's own ``probe`` command is the tool, this is a cross-check.
"""

import csv
import json
import os
import sys

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train_lm as T  # noqa: E402

CONCEPTS = os.path.join(HERE, "..", "concepts", "lm-concepts.json")


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows]), [r["group"] for r in rows]


@torch.no_grad()
def features(model, tok, texts, token="last"):
    """[layers + 1, N, d]: embedding output and every block's output at the last real token
    (``word``: the one before it; ``mean``: mean over the tokens after <s>)."""
    out = []
    for t in texts:
        ids = torch.tensor([tok.ids(t, eos=False)])
        _, states = model(ids, hidden=True)
        if token == "mean":
            out.append(torch.stack([s[0, 1:].mean(0) for s in states]))
        else:
            out.append(torch.stack([s[0, -2 if token == "word" else -1] for s in states]))
    return torch.stack(out, 1).numpy()


def main(argv):
    token = "last"
    if argv[:1] == ["--token"]:
        token, argv = argv[1], argv[2:]
    with open(CONCEPTS, encoding="utf-8") as f:
        spec = json.load(f)
    base = os.path.dirname(CONCEPTS)
    data = {}
    for c in spec["concepts"]:
        if c["rule"] == "csv":
            data[c["name"]] = read_csv(os.path.join(base, c["file"]))
    for c in spec["concepts"]:
        if c["rule"] == "random":
            texts, y, groups = data[c["of"]]
            rng = np.random.RandomState(spec["seed"])
            data[c["name"]] = (texts, rng.permutation(np.arange(len(y)) % 2), groups)
    result = {}
    for hf_dir in argv:
        model, cfg = T.load_hf(hf_dir)
        tok = T.Tok(os.path.join(hf_dir, "tokenizer.json"))
        name = os.path.basename(os.path.normpath(hf_dir))
        result[name] = {}
        # Does the model know the held-out-template facts? Top-1 of the last word (country / category)
        # after the probe template's prefix, on the TRUE probe statements.
        for cname in ("fact", "taxonomy"):
            texts, y, _ = data[cname]
            hit = n = 0
            with torch.no_grad():
                for t, lab in zip(texts, y):
                    if lab != 1:
                        continue
                    ids = tok.ids(t, eos=False)[:-1]  # drop the full stop
                    hit += int(model(torch.tensor([ids[:-1]]))[0, -1].argmax() == ids[-1])
                    n += 1
            result[name][cname + "LastWordTop1"] = hit / n
            print("%s: %s probe template, true statements: last word top-1 %.3f (%d)" % (name, cname, hit / n, n))
        print("\n%s (%d blocks), token %s: 5-fold grouped CV accuracy of a logistic probe, layer 0 = embedding"
              % (name, cfg["num_hidden_layers"], token))
        print("%-10s %s" % ("concept", " ".join("%5d" % i for i in range(cfg["num_hidden_layers"] + 1))))
        for cname, (texts, y, groups) in data.items():
            feats = features(model, tok, texts, token)
            accs = []
            for layer in range(feats.shape[0]):
                clf = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
                accs.append(float(cross_val_score(clf, feats[layer], y, groups=groups,
                                                  cv=GroupKFold(n_splits=5)).mean()))
            result[name][cname] = accs
            print("%-10s %s" % (cname, " ".join("%5.3f" % a for a in accs)), flush=True)
    return result


if __name__ == "__main__":
    res = main(sys.argv[1:])
    out = os.environ.get("PROBE_DEPTH_JSON")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1)
