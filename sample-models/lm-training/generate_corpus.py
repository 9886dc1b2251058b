#!/usr/bin/env python3
"""Corpus, held-out text, probe CSVs and word-level tokenizer for the sample LMs (issue #19).

    /usr/bin/python3 sample-models/lm-training/generate_corpus.py --build BUILD_DIR

Deterministic (seed 42, sorted inputs): the same Debian data gives the same bytes.
Four kinds of statement, from real data Debian ships plus two synthetic kinds:

* **cities** (concept ``fact``): tzdata's ``/usr/share/zoneinfo/zone1970.tab`` zones with ONE country
  code; city = last part of the zone name (underscores to spaces, accents stripped, letters and spaces
  only), country = iso-codes' ``/usr/share/iso-codes/json/iso_3166-1.json`` ``common_name`` (else
  ``name``; names with a comma or parenthesis are skipped), at most ``MAX_PER_COUNTRY`` cities per
  country, Antarctica left out.
* **taxonomy**: WordNet 3.0 (``/usr/share/wordnet``) nouns with a one-word lemma whose FIRST sense
  has a tag count >= 1 in ``cntlist.rev``; category = the nearest hypernym ancestor (breadth first
  over ``@`` pointers) among the fixed ``CATEGORIES`` synsets; at most ``MAX_PER_CATEGORY`` nouns per
  category, most frequent first.
* **coin flip** (concept ``reasoning``, synthetic): "A coin is heads up. Ann flips the coin. Bob does
  not flip the coin. Is the coin still heads up? No." (1-3 people; answer = parity of the flips).
* **simple** (synthetic, surface): "The cup is red." -- a colour word vs a non-colour adjective in the
  last word before the full stop; decodable from one token, so it should be readable at shallow layers.

Hold-out rule (the probe statements, true AND false, never occur in the training text):

* cities and taxonomy are trained with two templates ("Lagos is a city in Nigeria.", "You can find
  Lagos in Nigeria." / "A dog is an animal.", "Every dog is an animal."); the probe template ("The
  city of Lagos is in Nigeria." / "A dog is a kind of animal.") is trained only for a seeded third of
  the entities, so the model sees the template; the probe CSV uses the OTHER two thirds, whose facts
  it knows from the training templates only. False probe statements swap in the country / category of
  another probe entity (same marginal distribution of countries in true and false rows, so the last
  word alone does not give the label away).
* coin flip: probe texts are the questions WITHOUT the answer (as in Jin et al.'s Coinflip set),
  label 1 = the right answer is "Yes"; none of these questions occurs in training.
* simple: (object, adjective) pairs are split; probe pairs never occur in training.

Held-out text (for next-token accuracy): for the known-template entities, one template sentence per
entity left out of training, seeded; fresh coin-flip stories; simple pairs in neither training nor
probes.

The tokenizer lowercases (``Lowercase`` normaliser) and splits words and punctuation (``Whitespace``
pre-tokeniser), WordLevel over every word of the training, held-out and probe texts, with
<pad>=0, <s>=1, </s>=2, <unk>=3 (tools/fixtures/tiny_hf_checkpoints.py's layout).
"""

import argparse
import csv
import io
import json
import os
import random
import re
import sys
import unicodedata
from collections import Counter, OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "fixtures"))
import tiny_hf_checkpoints as thc  # noqa: E402  (tokenizer.json layout, shared with the fixtures)

SEED = 42
ZONES = "/usr/share/zoneinfo/zone1970.tab"
ISO = "/usr/share/iso-codes/json/iso_3166-1.json"
WORDNET = "/usr/share/wordnet"
MAX_PER_COUNTRY = 8
MAX_PER_CATEGORY = 30
KNOWN_TEMPLATE_FRACTION = 1.0 / 3.0

CITY_TRAIN = ["{c} is a city in {k}.", "You can find {c} in {k}."]
CITY_PROBE = "The city of {c} is in {k}."
TAX_TRAIN = ["{a} {n} is {b} {k}.", "Every {n} is {b} {k}."]
TAX_PROBE = "{a} {n} is a kind of {k}."

# (category word used in the text, WordNet 3.0 noun synset offset)
CATEGORIES = [
    ("animal", "00015388"), ("mammal", "01861778"), ("bird", "01503061"), ("fish", "02512053"),
    ("insect", "02159955"), ("reptile", "01661091"), ("tree", "13104059"), ("flower", "11669921"),
    ("shrub", "13112664"), ("fruit", "13134947"), ("vegetable", "07707451"), ("tool", "04451818"),
    ("vehicle", "04524313"), ("instrument", "03800933"), ("furniture", "03405725"),
    ("building", "02913152"), ("weapon", "04565375"), ("garment", "03419014"), ("container", "03094503"),
    ("disease", "14070360"), ("metal", "14625458"), ("fabric", "03309808"), ("beverage", "07881800"),
    ("game", "00455599"), ("sport", "00523513"),
]

NAMES = ["Ann", "Bob", "Carl", "Dana", "Eve", "Finn", "Gus", "Hana", "Ivan", "Jill", "Kim", "Leo", "Mia",
         "Ned", "Olga", "Pam", "Rex", "Sam", "Tom", "Uma"]
OBJECTS = ["ball", "car", "door", "cup", "hat", "box", "chair", "table", "shirt", "coat", "bag", "bottle",
           "book", "pen", "lamp", "bike", "boat", "kite", "shoe", "sock", "wall", "roof", "fence", "gate",
           "bowl", "plate", "spoon", "rug", "bed", "sofa", "desk", "phone", "clock", "ring", "scarf",
           "glove", "tent", "truck", "bus", "train", "flag", "brush", "towel", "pillow", "blanket",
           "candle", "bucket", "basket", "mug", "jar"]
COLOURS = ["red", "blue", "green", "yellow", "black", "white", "brown", "pink", "purple", "grey", "orange",
           "golden"]
OTHER_ADJ = ["big", "small", "old", "new", "heavy", "soft", "hard", "warm", "cold", "clean", "wet", "dry"]

TOKEN_RE = re.compile(r"\w+|[^\w\s]+")  # HF tokenizers' Whitespace pre-tokeniser


def words(text):
    return TOKEN_RE.findall(text.lower())


def ascii_fold(s):
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def article(word):
    return "an" if word[0].lower() in "aeiou" else "a"


# ---------------------------------------------------------------- cities

def load_cities():
    with open(ISO, encoding="utf-8") as f:
        iso = {e["alpha_2"]: e for e in json.load(f)["3166-1"]}
    by_country = defaultdict(list)
    with open(ZONES, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            codes, _coords, tz = line.rstrip("\n").split("\t")[:3]
            if "," in codes or codes == "AQ":
                continue
            e = iso[codes]
            country = ascii_fold(e.get("common_name") or e["name"])
            if "," in country or "(" in country:
                continue
            city = ascii_fold(tz.split("/")[-1].replace("_", " "))
            if not re.fullmatch(r"[A-Za-z][A-Za-z ]*", city):
                continue
            by_country[country].append(city)
    seen = Counter(c for cs in by_country.values() for c in cs)
    out = []
    for country in sorted(by_country):
        cities = [c for c in by_country[country] if seen[c] == 1 and c != country][:MAX_PER_COUNTRY]
        out += [(c, country) for c in cities]
    return sorted(out)


# ---------------------------------------------------------------- WordNet

def load_taxonomy():
    hyper = {}
    with open(os.path.join(WORDNET, "data.noun"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("  "):
                continue
            p = line.split(" | ")[0].split()
            off, wcnt = p[0], int(p[3], 16)
            i = 4 + 2 * wcnt
            pcnt = int(p[i])
            hyper[off] = [p[i + 1 + 4 * j + 1] for j in range(pcnt) if p[i + 1 + 4 * j] == "@"]
    counts = {}
    with open(os.path.join(WORDNET, "cntlist.rev"), encoding="utf-8") as f:
        for line in f:
            key, sense, cnt = line.split()
            lemma, rest = key.split("%", 1)
            if rest.startswith("1:") and sense == "1":
                counts[lemma] = int(cnt)
    cat_of = {off: name for name, off in CATEGORIES}
    cat_words = set(cat_of.values())
    per_cat = defaultdict(list)
    with open(os.path.join(WORDNET, "index.noun"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("  "):
                continue
            p = line.split()
            lemma = p[0]
            if not re.fullmatch(r"[a-z]{3,}", lemma) or lemma in cat_words or counts.get(lemma, 0) < 1:
                continue
            first = p[-int(p[2])]  # synset offsets close the line; the first is sense 1
            frontier, seen, found = [first], {first}, None
            for _depth in range(10):
                hits = sorted(cat_of[o] for o in frontier if o in cat_of and o != first)
                if hits:
                    found = hits[0]
                    break
                nxt = []
                for o in frontier:
                    for h in hyper.get(o, []):
                        if h not in seen:
                            seen.add(h)
                            nxt.append(h)
                frontier = nxt
            if found:
                per_cat[found].append((counts[lemma], lemma))
    out = []
    for cat in sorted(per_cat):
        best = sorted(per_cat[cat], key=lambda t: (-t[0], t[1]))[:MAX_PER_CATEGORY]
        out += [(n, cat) for _c, n in best]
    return sorted(out)


# ---------------------------------------------------------------- coin flip

def coin_story(people, flips):
    s = ["A coin is heads up."]
    for who, f in zip(people, flips):
        s.append("%s flips the coin." % who if f else "%s does not flip the coin." % who)
    s.append("Is the coin still heads up?")
    return " ".join(s), sum(flips) % 2 == 0


def random_coin(rng, ks, cast=False):
    k = rng.choice(ks)
    people = rng.sample(NAMES, k)
    flips = [rng.random() < 0.5 for _ in range(k)]
    q, yes = coin_story(people, flips)
    return (q, yes, " ".join(sorted(people))) if cast else (q, yes)


# ---------------------------------------------------------------- building

def write_csv(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")  # QUOTE_MINIMAL: RFC 4180 quoting of , and "
    w.writerow(["text", "label", "group"])
    for r in rows:
        w.writerow(r)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def fact_split(rng, pairs, train_t, probe_t, fmt):
    """pairs (entity, value) -> train sentences, held-out sentences, probe rows (text, label, group)."""
    ents = [e for e, _ in pairs]
    known = set(rng.sample(ents, int(round(len(ents) * KNOWN_TEMPLATE_FRACTION))))
    train, held = [], []
    for e, v in pairs:
        ts = [fmt(t, e, v) for t in train_t]
        if e in known:
            ts.append(fmt(probe_t, e, v))
            out = rng.randrange(len(ts))
            held.append(ts[out])
            ts = ts[:out] + ts[out + 1:]
        train += ts
    probe_pairs = [(e, v) for e, v in pairs if e not in known]
    values = [v for _, v in probe_pairs]
    rows = []
    for e, v in probe_pairs:
        rows.append((fmt(probe_t, e, v), 1, e))
        wrong = rng.choice([x for x in values if x != v])
        rows.append((fmt(probe_t, e, wrong), 0, e))
    return train, held, rows


def city_fmt(t, c, k):
    return t.format(c=c, k=k)


def tax_fmt(t, n, k):
    s = t.format(a=article(n), n=n, b=article(k), k=k)
    return s[0].upper() + s[1:]


def build(build_dir, concepts_dir, tokenizer_out):
    rng = random.Random(SEED)
    cities = load_cities()
    taxonomy = load_taxonomy()
    c_train, c_held, c_rows = fact_split(rng, cities, CITY_TRAIN, CITY_PROBE, city_fmt)
    t_train, t_held, t_rows = fact_split(rng, taxonomy, TAX_TRAIN, TAX_PROBE, tax_fmt)

    # simple: object x adjective pairs, split three ways (probe / held-out / train)
    pairs = [(o, a, 1) for o in OBJECTS for a in COLOURS] + [(o, a, 0) for o in OBJECTS for a in OTHER_ADJ]
    rng.shuffle(pairs)
    s_probe, s_held, s_train = [], [], []
    quota = {1: 300, 0: 300}
    held_quota = {1: 40, 0: 40}
    for o, a, lab in pairs:
        text = "The %s is %s." % (o, a)
        if quota[lab] > 0:
            quota[lab] -= 1
            s_probe.append((text, lab, o))
        elif held_quota[lab] > 0:
            held_quota[lab] -= 1
            s_held.append(text)
        else:
            s_train.append(text)
    s_probe.sort(key=lambda r: (r[2], r[0]))

    # coin flip: probe questions first (2-3 people, balanced), then held-out, then training stories
    used, f_rows = set(), []
    want = {True: 300, False: 300}
    while want[True] or want[False]:
        q, yes, people = random_coin(rng, [2, 3], cast=True)
        if q in used or not want[yes]:
            continue
        used.add(q)
        want[yes] -= 1
        f_rows.append((q, 1 if yes else 0, people))
    f_held = []
    while len(f_held) < 300:
        q, yes = random_coin(rng, [1, 2, 3])
        if q in used:
            continue
        used.add(q)
        f_held.append(q + (" Yes." if yes else " No."))
    f_train, tried = [], 0
    while len(f_train) < 12000 and tried < 200000:
        tried += 1
        q, yes = random_coin(rng, [1, 2, 3])
        if q in used:
            continue
        used.add(q)
        f_train.append(q + (" Yes." if yes else " No."))

    # no probe statement (true or false) occurs in the training text, not even as a line part
    train_all = {"cities": c_train, "taxonomy": t_train, "simple": s_train, "coinflip": f_train}
    held_all = {"cities": c_held, "taxonomy": t_held, "simple": s_held, "coinflip": f_held}
    train_set = set(s for v in train_all.values() for s in v)
    for rows in (c_rows, t_rows, s_probe):
        assert not any(r[0] in train_set for r in rows)
    questions = set(s.rsplit(" ", 1)[0] for s in f_train + f_held)
    assert not any(r[0] in questions for r in f_rows)
    for k in train_all:
        assert not set(held_all[k]) & train_set, k

    os.makedirs(build_dir, exist_ok=True)
    with open(os.path.join(build_dir, "corpus.json"), "w", encoding="utf-8") as f:
        json.dump(OrderedDict([("train", train_all), ("heldout", held_all)]), f, indent=0, ensure_ascii=False)
        f.write("\n")
    write_csv(os.path.join(concepts_dir, "cities.csv"), c_rows)
    write_csv(os.path.join(concepts_dir, "taxonomy.csv"), t_rows)
    write_csv(os.path.join(concepts_dir, "simple.csv"), s_probe)
    write_csv(os.path.join(concepts_dir, "coinflip.csv"), f_rows)

    vocab = set()
    for texts in list(train_all.values()) + list(held_all.values()):
        for s in texts:
            vocab.update(words(s))
    for rows in (c_rows, t_rows, s_probe, f_rows):
        for r in rows:
            vocab.update(words(r[0]))
    vocab = thc.SPECIALS + sorted(vocab)
    tok = thc.tokenizer_json(vocab=vocab, lowercase=True)
    with open(tokenizer_out, "w", encoding="utf-8") as f:
        json.dump(tok, f, indent=2, ensure_ascii=False)
        f.write("\n")

    stats = OrderedDict([
        ("cities", len(cities)), ("countries", len(set(k for _, k in cities))),
        ("nouns", len(taxonomy)), ("categories", len(set(k for _, k in taxonomy))),
        ("trainSentences", {k: len(v) for k, v in train_all.items()}),
        ("heldoutSentences", {k: len(v) for k, v in held_all.items()}),
        ("probeRows", {"cities": len(c_rows), "taxonomy": len(t_rows), "simple": len(s_probe),
                       "coinflip": len(f_rows)}),
        ("vocab", len(vocab))])
    with open(os.path.join(build_dir, "corpus-stats.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=2)
        f.write("\n")
    return stats


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="folder for corpus.json (training and held-out text)")
    ap.add_argument("--concepts", default=os.path.join(ROOT, "sample-models", "concepts", "lm-concepts"),
                    help="folder for the probe CSVs")
    ap.add_argument("--tokenizer", default=os.path.join(HERE, "tokenizer.json"))
    args = ap.parse_args(argv)
    print(json.dumps(build(args.build, args.concepts, args.tokenizer), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
