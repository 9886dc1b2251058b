#!/usr/bin/env python3
"""Trains a small Llama-layout decoder LM on the generated corpus and saves it in Hugging Face layout.

    /usr/bin/python3 sample-models/lm-training/train_lm.py --corpus BUILD/corpus.json \\
        --tokenizer sample-models/lm-training/tokenizer.json --out BUILD/tiny-lm-8-hf \\
        --layers 8 --hidden 96 --heads 4 --ffn 256 --steps 3000

Plain torch (1.13), CPU, fixed seed. The module's parameter names are transformers' LlamaForCausalLM
names (``model.embed_tokens``, ``model.layers.N.self_attn.q_proj`` ..., ``model.norm``, ``lm_head``), so
the state dict is written as-is to ``model.safetensors`` (F32, by tools/lamina_export_lm.write_safetensors)
with a ``config.json`` of ``model_type`` "llama"; tools/lamina_export.py hf then exports it.

Each training sequence is ``<s>`` + one statement (or one coin-flip story) + ``</s>``; a batch draws the
kind of statement with fixed weights (KIND_WEIGHTS) and then a sentence of that kind uniformly, so the
12,000 coin-flip stories do not drown the few hundred city facts. Loss: next-token cross-entropy on the
real positions (padding masked). Held-out accuracy: next-token top-1 over every real target position of
the held-out sentences (the tokens after ``<s>`` up to and including ``</s>``), written to
``training.json`` beside the checkpoint (``--annotate`` copies it into an exported model.json).
"""

import argparse
import json
import math
import os
import random
import re
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from lamina_export_lm import write_safetensors  # noqa: E402

KIND_WEIGHTS = OrderedDict([("cities", 0.25), ("taxonomy", 0.35), ("coinflip", 0.30), ("simple", 0.10)])
PAD, BOS, EOS, UNK = 0, 1, 2, 3
TOKEN_RE = re.compile(r"\w+|[^\w\s]+")


class Tok:
    """The word-level tokenizer.json (Lowercase normaliser, Whitespace pre-tokeniser), in Python."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            t = json.load(f)
        self.vocab = t["model"]["vocab"]
        self.lower = (t.get("normalizer") or {}).get("type") == "Lowercase"
        self.words = {i: w for w, i in self.vocab.items()}

    def encode(self, text):
        if self.lower:
            text = text.lower()
        return [self.vocab.get(w, UNK) for w in TOKEN_RE.findall(text)]

    def ids(self, text, eos=True):
        return [BOS] + self.encode(text) + ([EOS] if eos else [])


# ------------------------------------------------------------------ model (transformers' names)

class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


class Attention(nn.Module):
    def __init__(self, d, heads, theta):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d, bias=False)
        self.o_proj = nn.Linear(d, d, bias=False)
        self.register_buffer("inv_freq", 1.0 / (theta ** (torch.arange(0, self.hd, 2).float() / self.hd)),
                             persistent=False)

    def forward(self, x):
        b, s, d = x.shape
        q = self.q_proj(x).view(b, s, self.heads, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, s, self.heads, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.heads, self.hd).transpose(1, 2)
        freqs = torch.arange(s, dtype=torch.float32).unsqueeze(1) * self.inv_freq.unsqueeze(0)
        emb = torch.cat([freqs, freqs], -1)
        cos, sin = emb.cos(), emb.sin()
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.hd)
        scores = scores.masked_fill(torch.ones(s, s, dtype=torch.bool).triu(1), float("-inf"))
        a = torch.softmax(scores, -1) @ v
        return self.o_proj(a.transpose(1, 2).reshape(b, s, d))


class MLP(nn.Module):
    def __init__(self, d, ff):
        super().__init__()
        self.gate_proj = nn.Linear(d, ff, bias=False)
        self.up_proj = nn.Linear(d, ff, bias=False)
        self.down_proj = nn.Linear(ff, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, d, heads, ff, eps, theta):
        super().__init__()
        self.input_layernorm = RMSNorm(d, eps)
        self.self_attn = Attention(d, heads, theta)
        self.post_attention_layernorm = RMSNorm(d, eps)
        self.mlp = MLP(d, ff)

    def forward(self, h):
        h = h + self.self_attn(self.input_layernorm(h))
        return h + self.mlp(self.post_attention_layernorm(h))


class Body(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], d)
        self.layers = nn.ModuleList([Layer(d, cfg["num_attention_heads"], cfg["intermediate_size"],
                                           cfg["rms_norm_eps"], cfg["rope_theta"])
                                     for _ in range(cfg["num_hidden_layers"])])
        self.norm = RMSNorm(d, cfg["rms_norm_eps"])


class LlamaLM(nn.Module):
    """LlamaForCausalLM's layout: ``model`` (embed_tokens, layers, norm) and an untied ``lm_head``."""

    def __init__(self, cfg):
        super().__init__()
        self.model = Body(cfg)
        self.lm_head = nn.Linear(cfg["hidden_size"], cfg["vocab_size"], bias=False)
        for n, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)
        scale = 0.02 / math.sqrt(2 * cfg["num_hidden_layers"])  # GPT-2's residual-projection scaling
        for layer in self.model.layers:
            nn.init.normal_(layer.self_attn.o_proj.weight, std=scale)
            nn.init.normal_(layer.mlp.down_proj.weight, std=scale)

    def forward(self, ids, hidden=False):
        h = self.model.embed_tokens(ids)
        states = [h]
        for layer in self.model.layers:
            h = layer(h)
            states.append(h)
        logits = self.lm_head(self.model.norm(h))
        return (logits, states) if hidden else logits


def make_config(vocab, layers, d, heads, ff, max_len):
    return OrderedDict([
        ("model_type", "llama"), ("architectures", ["LlamaForCausalLM"]), ("vocab_size", vocab),
        ("hidden_size", d), ("num_hidden_layers", layers), ("num_attention_heads", heads),
        ("num_key_value_heads", heads), ("intermediate_size", ff), ("hidden_act", "silu"),
        ("max_position_embeddings", max_len), ("rms_norm_eps", 1e-5), ("rope_theta", 10000.0),
        ("rope_scaling", None), ("attention_bias", False), ("mlp_bias", False), ("tie_word_embeddings", False),
        ("bos_token_id", BOS), ("eos_token_id", EOS), ("pad_token_id", PAD), ("torch_dtype", "float32")])


def load_hf(hf_dir):
    """Rebuilds the model from a saved checkpoint folder (safetensors read without pickle)."""
    from lamina_export_lm import SafetensorsReader
    with open(os.path.join(hf_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    m = LlamaLM(cfg)
    st = SafetensorsReader(hf_dir)
    m.load_state_dict({n: st.tensor(n) for n in st.names()}, strict=True)
    return m.eval(), cfg


# ------------------------------------------------------------------ data

def batchify(seqs):
    L = max(len(s) for s in seqs)
    x = torch.full((len(seqs), L), PAD, dtype=torch.long)
    for i, s in enumerate(seqs):
        x[i, :len(s)] = torch.tensor(s)
    return x


def loss_on(model, seqs):
    x = batchify(seqs)
    logits = model(x[:, :-1])
    tgt = x[:, 1:]
    mask = torch.zeros_like(tgt, dtype=torch.bool)
    for i, s in enumerate(seqs):
        mask[i, :len(s) - 1] = True
    return F.cross_entropy(logits[mask], tgt[mask]), logits, tgt, mask


@torch.no_grad()
def evaluate(model, tok, held):
    """Next-token top-1 over all real target positions of the held-out text, overall and per kind;
    plus the coin-flip answer token (Yes/No) alone."""
    out = OrderedDict()
    hit = tot = 0
    for kind, texts in held.items():
        seqs = [tok.ids(t) for t in texts]
        h = n = 0
        for i in range(0, len(seqs), 128):
            part = seqs[i:i + 128]
            _, logits, tgt, mask = loss_on(model, part)
            ok = (logits.argmax(-1) == tgt) & mask
            h += int(ok.sum())
            n += int(mask.sum())
        out[kind] = h / n
        hit += h
        tot += n
    out["all"] = hit / tot
    out["tokens"] = tot
    yes, no = tok.vocab["yes"], tok.vocab["no"]
    seqs = [tok.ids(t, eos=False) for t in held["coinflip"]]
    right = 0
    for s in seqs:
        logits = model(torch.tensor([s[:-2]]))[0, -1]  # prompt ends with "?", next is the answer
        right += int((yes if logits[yes] > logits[no] else no) == s[-2])
    out["coinflipAnswer"] = right / len(seqs)
    return out


HELD_OUT_TXT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "held-out.txt")


def write_held_out(corpus_path):
    """The held-out sentences, one a line (every kind, in the corpus's order): the text ``lamina
    evaluate`` scores (model.json ``training.testData`` points here)."""
    with open(corpus_path, encoding="utf-8") as f:
        held = json.load(f)["heldout"]
    lines = [t for texts in held.values() for t in texts]
    with open(HELD_OUT_TXT, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return lines


@torch.no_grad()
def accuracy_as_lamina_scores(model, tok, lines):
    """Next-token top-1 over every position after <s> of each line, no </s> appended: the
    definition of ``lamina evaluate`` (NextTokenEvaluation), so that the recorded number can be
    checked by the Java side."""
    seqs = [tok.ids(t, eos=False) for t in lines]
    hit = tot = 0
    for i in range(0, len(seqs), 128):
        _, logits, tgt, mask = loss_on(model, seqs[i:i + 128])
        hit += int(((logits.argmax(-1) == tgt) & mask).sum())
        tot += int(mask.sum())
    return hit / tot, tot


def annotate(hf_dir, model_dir, corpus_path=None):
    """Copies training.json into the exported model.json as ``training`` (what ``lamina models`` shows),
    after checking that the exported reference logits are this script's model's logits. With the
    corpus, also writes lm-training/held-out.txt and records the accuracy on it as ``lamina
    evaluate`` computes it (``testAccuracy``; the training-time number with </s> is kept)."""
    model, _ = load_hf(hf_dir)
    ref = np.load(os.path.join(model_dir, "reference-outputs.npz"))
    with torch.no_grad():
        logits = model(torch.from_numpy(ref["ids"])).numpy()
    diff = max(float(np.abs(logits[i, :n] - ref["logits"][i, :n]).max()) for i, n in enumerate(ref["lengths"]))
    if diff > 1e-4:
        raise SystemExit("%s: exported logits differ from train_lm.py's model by %g" % (model_dir, diff))
    with open(os.path.join(hf_dir, "training.json"), encoding="utf-8") as f:
        training = json.load(f, object_pairs_hook=OrderedDict)
    training["exportedVsTrainingMaxAbsDiff"] = diff
    if corpus_path is not None:
        lines = write_held_out(corpus_path)
        tok = Tok(os.path.join(hf_dir, "tokenizer.json"))
        acc, tokens = accuracy_as_lamina_scores(model, tok, lines)
        training["testAccuracyWithEos"] = training["testAccuracy"]
        training["testAccuracyWithEosMeaning"] = training.pop("testAccuracyMeaning")
        training["testAccuracy"] = round(acc, 6)
        training["testAccuracyMeaning"] = ("next-token top-1 accuracy on held-out text as `lamina evaluate` scores it: "
                                           "%d predictions, every token after <s> of each line of testData "
                                           "(no </s> appended)" % tokens)
        training["testData"] = ("../lm-training/held-out.txt (held-out sentences of generate_corpus.py, seed 42: %s)"
                                % training["testData"].split(": ", 1)[-1])
    path = os.path.join(model_dir, "model.json")
    with open(path, encoding="utf-8") as f:
        meta = json.load(f, object_pairs_hook=OrderedDict)
    meta["training"] = training
    with open(path, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("annotated", path, "(max |exported - trained| logits %g)" % diff)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--annotate", nargs=2, metavar=("HF_DIR", "MODEL_DIR"),
                    help="instead of training: copy HF_DIR/training.json into MODEL_DIR/model.json")
    ap.add_argument("--held-out-corpus", metavar="CORPUS_JSON",
                    help="with --annotate: write lm-training/held-out.txt from it and record the accuracy on it")
    if argv is None:
        argv = sys.argv[1:]
    if "--annotate" in argv:
        a = ap.parse_args(argv)
        return annotate(*a.annotate, corpus_path=a.held_out_corpus)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True, help="Hugging Face-layout checkpoint folder to write")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=192)
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tok = Tok(args.tokenizer)
    with open(args.corpus, encoding="utf-8") as f:
        corpus = json.load(f)
    train = {k: [tok.ids(t) for t in v] for k, v in corpus["train"].items()}
    longest = max(len(s) for v in train.values() for s in v)
    if longest > args.max_len:
        raise SystemExit("a training sequence has %d tokens, more than --max-len %d" % (longest, args.max_len))

    cfg = make_config(len(tok.vocab), args.layers, args.hidden, args.heads, args.ffn, args.max_len)
    model = LlamaLM(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))
    warm = max(1, args.steps // 20)

    def lr_at(step):
        if step < warm:
            return args.lr * (step + 1) / warm
        return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * (step - warm) / (args.steps - warm))))

    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    print("model: %d layers, d=%d, %d heads, ffn %d, vocab %d: %d parameters" % (
        args.layers, args.hidden, args.heads, args.ffn, len(tok.vocab), n_params), flush=True)
    t0 = time.time()
    log = []
    run = 0.0
    model.train()
    for step in range(args.steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        seqs = [rng.choice(train[k]) for k in rng.choices(kinds, weights, k=args.batch)]
        loss, _, _, _ = loss_on(model, seqs)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        run = loss.item() if step == 0 else 0.98 * run + 0.02 * loss.item()
        if (step + 1) % 100 == 0 or step == args.steps - 1:
            log.append([step + 1, round(run, 4)])
            print("step %5d  loss %.4f  lr %.2e  %.0f s" % (step + 1, run, lr_at(step), time.time() - t0), flush=True)
    train_s = time.time() - t0
    model.eval()
    held = evaluate(model, tok, corpus["heldout"])
    print("held-out next-token top-1:", json.dumps(held), flush=True)

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    sd = OrderedDict((n, p.detach().numpy()) for n, p in model.state_dict().items())
    write_safetensors(os.path.join(args.out, "model.safetensors"), sd, "F32", metadata={"format": "pt"})
    with open(args.tokenizer, encoding="utf-8") as src, \
            open(os.path.join(args.out, "tokenizer.json"), "w", encoding="utf-8") as dst:
        dst.write(src.read())
    with open(os.path.join(args.out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(OrderedDict([("add_bos_token", True), ("add_eos_token", False), ("bos_token", "<s>"),
                               ("eos_token", "</s>"), ("pad_token", "<pad>"), ("unk_token", "<unk>")]), f, indent=2)
        f.write("\n")
    training = OrderedDict([
        ("testAccuracy", round(held["all"], 6)),
        ("testAccuracyMeaning", "next-token top-1 accuracy on held-out text: %d target tokens of held-out "
                                "sentences of the training distribution (every token after <s>, </s> included)"
         % held["tokens"]),
        ("testAccuracyByKind", OrderedDict((k, round(held[k], 6)) for k in corpus["heldout"])),
        ("coinflipAnswerAccuracy", round(held["coinflipAnswer"], 6)),
        ("testData", "held-out sentences of sample-models/lm-training/generate_corpus.py (seed 42): %s"
         % ", ".join("%d %s" % (len(v), k) for k, v in corpus["heldout"].items())),
        ("trainData", "generate_corpus.py training text: %s sentences (tzdata zone1970.tab + iso-codes, "
                      "WordNet 3.0, synthetic coin flips and colour statements)"
         % ", ".join("%d %s" % (len(v), k) for k, v in corpus["train"].items())),
        ("kindWeights", KIND_WEIGHTS),
        ("parameters", n_params), ("steps", args.steps), ("batch", args.batch), ("lr", args.lr),
        ("optimizer", "AdamW betas (0.9, 0.98), weight decay 0.01 on matrices, 5% warm-up, cosine to 5%, "
                      "grad-norm clip 1"),
        ("seed", args.seed), ("threads", args.threads), ("trainSeconds", round(train_s, 1)),
        ("finalLoss", log[-1][1]), ("lossLog", log),
        ("torch", torch.__version__),
        ("command", "bash sample-models/lm-training/train_lm_samples.sh (/usr/bin/python3 "
                    "sample-models/lm-training/train_lm.py %s)" % " ".join(argv))])
    with open(os.path.join(args.out, "training.json"), "w", encoding="utf-8") as f:
        json.dump(training, f, indent=2)
        f.write("\n")
    print("wrote", args.out, "in %.0f s" % train_s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
