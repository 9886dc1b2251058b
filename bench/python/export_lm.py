#!/usr/bin/python3
"""Writes the model of bench case `lm`: a Llama-layout decoder (RMSNorm, rotary, grouped-query
attention, SwiGLU) with random weights, scripted in Lamina's causal-LM convention (probe_points,
trace, run_from, forward; the contract of issue #18), with model.json and a word-level
tokenizer.json, so both sides of the benchmark run the same TorchScript file. Not a trained
model; never committed. Usage: export_lm.py OUT_DIR [d blocks heads kv_heads ffn vocab max_len]
(default 256 4 8 4 688 8000 128)."""
import json
import math
import os
import sys
from typing import Dict, List

import torch
from torch import Tensor, nn

out_dir = sys.argv[1]
d, N, H, KV, ffn, V, L = (int(a) for a in (sys.argv[2:9] if len(sys.argv) > 2 else (256, 4, 8, 4, 688, 8000, 128)))
hd = d // H
torch.manual_seed(0)
os.makedirs(out_dir, exist_ok=True)
vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3}
for i in range(4, V):
    vocab["w%d" % i] = i
tok = {"version": "1.0", "truncation": None, "padding": None,
       "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                         "normalized": False, "special": True} for t, i in list(vocab.items())[:4]],
       "normalizer": None, "pre_tokenizer": {"type": "WhitespaceSplit"}, "post_processor": None, "decoder": None,
       "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"}}
with open(os.path.join(out_dir, "tokenizer.json"), "w") as f:
    json.dump(tok, f)


def _point(name: str, h: Tensor, replace: Dict[str, Tensor], out: Dict[str, Tensor]) -> Tensor:
    if name in replace:
        h = replace[name]
    if "*" + name in replace:
        h = h * replace["*" + name]
    if "+" + name in replace:
        h = h + replace["+" + name]
    out[name] = h
    return h

class RMS(nn.Module):
    def __init__(self):
        super().__init__(); self.w = nn.Parameter(1 + 0.1 * torch.randn(d))
    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * self.w

class Block(nn.Module):
    def __init__(self, i: int):
        super().__init__()
        self.i = i
        self.nh = H; self.nkv = KV; self.hd = hd; self.sc = 1.0 / math.sqrt(hd)
        self.n1 = RMS(); self.n2 = RMS()
        self.q = nn.Linear(d, H * hd, bias=False); self.k = nn.Linear(d, KV * hd, bias=False)
        self.v = nn.Linear(d, KV * hd, bias=False); self.o = nn.Linear(H * hd, d, bias=False)
        self.g = nn.Linear(d, ffn, bias=False); self.u = nn.Linear(d, ffn, bias=False); self.dn = nn.Linear(ffn, d, bias=False)
    def rope(self, x: Tensor) -> Tensor:
        S = x.shape[2]
        inv = 1.0 / (10000.0 ** (torch.arange(0, self.hd, 2, dtype=torch.float32) / self.hd))
        f = torch.arange(S, dtype=torch.float32)[:, None] * inv[None, :]
        emb = torch.cat([f, f], dim=-1)
        x1 = x[..., : self.hd // 2]; x2 = x[..., self.hd // 2:]
        rot = torch.cat([-x2, x1], dim=-1)
        return x * emb.cos() + rot * emb.sin()
    def forward(self, h: Tensor, replace: Dict[str, Tensor], out: Dict[str, Tensor]) -> Tensor:
        B, S, _ = h.shape
        p = "blocks." + str(self.i)
        x = self.n1(h)
        q = self.q(x).view(B, S, self.nh, self.hd).transpose(1, 2)
        k = self.k(x).view(B, S, self.nkv, self.hd).transpose(1, 2)
        v = self.v(x).view(B, S, self.nkv, self.hd).transpose(1, 2)
        q = self.rope(q); k = self.rope(k)
        k = k.repeat_interleave(self.nh // self.nkv, dim=1); v = v.repeat_interleave(self.nh // self.nkv, dim=1)
        s = q @ k.transpose(-1, -2) * self.sc
        mask = torch.ones(S, S, dtype=torch.bool).tril()
        s = s.masked_fill(~mask, float("-inf"))
        a = _point(p + ".attn.probs", s.softmax(-1), replace, out)
        att = (a @ v).transpose(1, 2).reshape(B, S, self.nh * self.hd)
        att = _point(p + ".attn", self.o(att), replace, out)
        h = h + att
        x = self.n2(h)
        act = _point(p + ".mlp.act", torch.nn.functional.silu(self.g(x)) * self.u(x), replace, out)
        h = h + self.dn(act)
        return _point(p, h, replace, out)

class LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, d)
        self.blocks = nn.ModuleList([Block(i) for i in range(N)])
        self.norm = RMS(); self.head = nn.Linear(d, V, bias=False)
        names = ["embed"]
        st = [True]
        for i in range(N):
            names += ["blocks.%d.attn.probs" % i, "blocks.%d.attn" % i, "blocks.%d.mlp.act" % i, "blocks.%d" % i]
            st += [False, False, False, True]
        names.append("final_norm"); st.append(True)
        self.names: List[str] = names
        self.st: List[bool] = st
    @torch.jit.export
    def probe_points(self) -> List[str]:
        return self.names
    def _run(self, h: Tensor, start: int, replace: Dict[str, Tensor]) -> Dict[str, Tensor]:
        out: Dict[str, Tensor] = {}
        if start < 0:
            h = self.emb(h)
        if start < 0:
            h = _point("embed", h, replace, out)
        elif start == 0:
            out["embed"] = h
        for i, b in enumerate(self.blocks):
            bi = self.names.index("blocks." + str(i))
            if start < bi:
                h = b(h, replace, out)
            elif start == bi:
                out["blocks." + str(i)] = h
        fi = self.names.index("final_norm")
        if start < fi:
            h = _point("final_norm", self.norm(h), replace, out)
        else:
            out["final_norm"] = h
        out["logits"] = self.head(h)
        return out
    @torch.jit.export
    def trace(self, ids: Tensor, replace: Dict[str, Tensor]) -> Dict[str, Tensor]:
        return self._run(ids, -1, replace)
    @torch.jit.export
    def run_from(self, point: Tensor, h: Tensor, replace: Dict[str, Tensor]) -> Dict[str, Tensor]:
        return self._run(h, int(point.item()), replace)
    def forward(self, ids: Tensor) -> Tensor:
        return self._run(ids, -1, {"_": torch.zeros(1)})["logits"]

m = LM().eval()
sm = torch.jit.script(m)
sm.save(os.path.join(out_dir, "model.pt"))
pts = []
for n, s in zip(m.names, m.st):
    shape = [H, -1, -1] if n.endswith("attn.probs") else [-1, ffn] if n.endswith("mlp.act") else [-1, d]
    pts.append({"name": n, "shape": shape, "startable": s})
man = {"name": "bench-lm", "description": "random-weight Llama-layout decoder for bench case lm (not trained)",
       "kind": "causal-lm", "format": "torchscript", "file": "model.pt", "architecture": "llama",
       "input": {"kind": "tokens", "vocabSize": V, "maxLength": L},
       "tokenizer": {"file": "tokenizer.json", "bosId": 1, "eosId": 2, "padId": 0, "addBos": True},
       "blocks": N, "hiddenSize": d, "probePoints": pts}
with open(os.path.join(out_dir, "model.json"), "w") as f:
    json.dump(man, f, indent=1)
