#!/usr/bin/env python3
"""Lamina exporter for decoder language models (``kind: "causal-lm"``, issue #18).

Reads a Hugging Face model folder (``config.json``, ``model.safetensors`` or a
sharded ``model.safetensors.index.json``, ``tokenizer.json``) WITHOUT the
``transformers`` and ``safetensors`` packages, rebuilds the network as
Lamina's own TorchScript-able decoder (the TransformerLens approach: one
implementation, parameterised by family) and writes a model folder in the
causal-LM convention (see /work/helper/LM_CONTRACT.md, mirrored in
tools/README.md, "Language models"):

* ``model.pt``               the scripted wrapper (through ``lamina_export._compile``)
* ``model.json``             ``kind: "causal-lm"``, architecture, source, tokenizer ids, probe points
* ``tokenizer.json``         copied from the checkpoint
* ``reference-outputs.npz``  ``ids``, ``lengths``, ``logits``, ``last_hidden`` (+ ``hf_max_abs_diff``)

Families (``config.json`` ``model_type``):

``gpt2``
    LayerNorm, learned positions, GELU (tanh for ``gelu_new``), fused
    ``c_attn`` Conv1D weights (stored ``[in, out]``: transposed here), tied
    embeddings.
``llama``, ``mistral``, ``qwen2``
    RMSNorm, rotary positions with Hugging Face's ``rotate_half`` layout and
    ``rope_theta``, grouped-query attention, SwiGLU; Qwen2's q/k/v biases;
    Llama's ``attention_bias`` / ``mlp_bias``; Mistral's ``sliding_window``;
    untied or tied ``lm_head``.
``gemma``
    RMSNorm with ``(1 + w)``, embeddings scaled by ``sqrt(hidden_size)``,
    GeGLU (``gelu_pytorch_tanh`` unless ``hidden_activation`` says otherwise),
    ``head_dim`` from the config, tied embeddings.

Probe points: ``embed``; per block i ``blocks.i.attn.probs`` ``[H, S, S]``,
``blocks.i.attn`` (attention output added to the stream), ``blocks.i.mlp.act``
(the gated product for gated MLPs), ``blocks.i`` (stream after the block);
``final_norm``.  ``embed``, ``blocks.i`` and ``final_norm`` are startable.
"""

import hashlib
import json
import math
import os
import shutil
import struct
import sys
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lamina_export as LE  # noqa: E402
from lamina_export import _point, _LaminaWrapper, _compile, _save_compiled, _load_compiled  # noqa: E402

FAMILIES = ("gpt2", "llama", "mistral", "qwen2", "gemma")
DEFAULT_PROMPTS = ["The capital of France is", "The cat sat on the mat", "One two three four five six"]


class ExportError(ValueError):
    """A checkpoint Lamina refuses to export; the message names the file / field."""


# --------------------------------------------------------------------------
# safetensors (format: 8-byte little-endian header length, JSON header,
# raw little-endian tensor bytes; offsets relative to the end of the header)
# --------------------------------------------------------------------------

_ST_DTYPES = {"F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": ("<u2", 2), "F64": ("<f8", 8)}


def bf16_bits_to_f32(bits: np.ndarray) -> np.ndarray:
    """bfloat16 is the upper half of a float32: shift the 16 bits up."""
    return (bits.astype(np.uint32) << 16).view(np.float32)


def f32_to_bf16_bits(x: np.ndarray) -> np.ndarray:
    """float32 -> bfloat16 bits, round to nearest even (as torch does)."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    r = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return r.astype(np.uint16)


def read_safetensors_header(path: str) -> Tuple[dict, int]:
    """Returns (header dict, byte offset of the data section)."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) != 8:
                raise ExportError("%s: not a safetensors file (shorter than 8 bytes)" % path)
            (n,) = struct.unpack("<Q", head)
            if n > size - 8 or n > 100_000_000:
                raise ExportError("%s: not a safetensors file (header length %d, file size %d)" % (path, n, size))
            header = json.loads(f.read(n).decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ExportError("%s: cannot read the safetensors header: %s" % (path, e))
    if not isinstance(header, dict):
        raise ExportError("%s: safetensors header is not a JSON object" % path)
    header.pop("__metadata__", None)
    data_len = size - 8 - n
    for name, info in header.items():
        if not isinstance(info, dict) or not {"dtype", "shape", "data_offsets"} <= set(info):
            raise ExportError("%s: tensor '%s': header entry lacks dtype/shape/data_offsets" % (path, name))
        a, b = info["data_offsets"]
        if not 0 <= a <= b <= data_len:
            raise ExportError("%s: tensor '%s': data_offsets [%d, %d] outside the data section (%d bytes)"
                              % (path, name, a, b, data_len))
    return header, 8 + n


class SafetensorsReader:
    """Tensors of one ``model.safetensors`` or of a sharded index, decoded to float32 on demand
    (one tensor at a time, memory-mapped, so a large checkpoint is never held twice)."""

    def __init__(self, hf_dir: str):
        self.hf_dir = hf_dir
        single = os.path.join(hf_dir, "model.safetensors")
        index = os.path.join(hf_dir, "model.safetensors.index.json")
        self.where: Dict[str, str] = {}
        self.headers: Dict[str, Tuple[dict, int]] = {}
        if os.path.isfile(single):
            self.source = single
            self._add_file(single)
        elif os.path.isfile(index):
            self.source = index
            try:
                with open(index, encoding="utf-8") as f:
                    wm = json.load(f).get("weight_map")
            except (OSError, json.JSONDecodeError) as e:
                raise ExportError("%s: cannot read: %s" % (index, e))
            if not isinstance(wm, dict) or not wm:
                raise ExportError("%s: no 'weight_map' object" % index)
            for shard in sorted(set(wm.values())):
                p = os.path.join(hf_dir, shard)
                if not os.path.isfile(p):
                    raise ExportError("%s: shard '%s' listed in the weight_map does not exist" % (index, shard))
                self._add_file(p)
            for name, shard in wm.items():
                p = os.path.join(hf_dir, shard)
                if self.where.get(name) != p:
                    raise ExportError("%s: tensor '%s' is mapped to '%s' but that shard does not contain it"
                                      % (index, name, shard))
        else:
            raise ExportError("%s: no model.safetensors and no model.safetensors.index.json "
                              "(only safetensors checkpoints are read; convert .bin files first)" % hf_dir)

    def _add_file(self, path: str) -> None:
        header, start = read_safetensors_header(path)
        self.headers[path] = (header, start)
        for name in header:
            self.where[name] = path

    def names(self) -> List[str]:
        return sorted(self.where)

    def sha256(self) -> str:
        h = hashlib.sha256()
        with open(self.source, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    def __contains__(self, name: str) -> bool:
        return name in self.where

    def shape(self, name: str) -> List[int]:
        path = self._path(name)
        return list(self.headers[path][0][name]["shape"])

    def _path(self, name: str) -> str:
        if name not in self.where:
            raise ExportError("%s: tensor '%s' not found in the checkpoint" % (self.source, name))
        return self.where[name]

    def numpy(self, name: str) -> np.ndarray:
        path = self._path(name)
        header, start = self.headers[path]
        info = header[name]
        dt = info["dtype"]
        if dt not in _ST_DTYPES:
            raise ExportError("%s: tensor '%s' has dtype %s; supported: F32, F16, BF16, F64" % (path, name, dt))
        npdt, width = _ST_DTYPES[dt]
        shape = [int(s) for s in info["shape"]]
        a, b = info["data_offsets"]
        count = int(np.prod(shape)) if shape else 1
        if b - a != count * width:
            raise ExportError("%s: tensor '%s': %d bytes for shape %s of %s (expected %d)"
                              % (path, name, b - a, shape, dt, count * width))
        raw = np.memmap(path, dtype=npdt, mode="r", offset=start + a, shape=(count,)) if count else np.zeros(0, npdt)
        if dt == "BF16":
            arr = bf16_bits_to_f32(raw)
        else:
            arr = np.array(raw, dtype=np.float32)
        del raw
        return arr.reshape(shape)

    def tensor(self, name: str, shape: Optional[Sequence[int]] = None) -> Tensor:
        if shape is not None and self.shape(name) != list(shape):
            raise ExportError("%s: tensor '%s' has shape %s, expected %s (from config.json)"
                              % (self._path(name), name, self.shape(name), list(shape)))
        return torch.from_numpy(np.ascontiguousarray(self.numpy(name)))


def write_safetensors(path: str, tensors: "OrderedDict[str, np.ndarray]", dtype: str = "F32",
                      metadata: Optional[dict] = None) -> None:
    """Writes float arrays as one safetensors file in ``dtype`` (F32, F16 or BF16)."""
    header = OrderedDict()
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    off = 0
    for name, arr in tensors.items():
        arr = np.asarray(arr, dtype=np.float32)
        if dtype == "F32":
            blob = arr.astype("<f4").tobytes()
        elif dtype == "F16":
            blob = arr.astype("<f2").tobytes()
        elif dtype == "BF16":
            blob = f32_to_bf16_bits(arr).astype("<u2").tobytes()
        else:
            raise ValueError("dtype must be F32, F16 or BF16, not %r" % dtype)
        header[name] = OrderedDict([("dtype", dtype), ("shape", list(arr.shape)),
                                    ("data_offsets", [off, off + len(blob)])])
        blobs.append(blob)
        off += len(blob)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * (-len(hb) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


def decoded(arr: np.ndarray, dtype: str) -> np.ndarray:
    """The float32 values a tensor has after a round trip through ``dtype``."""
    arr = np.asarray(arr, dtype=np.float32)
    if dtype == "F16":
        return arr.astype(np.float16).astype(np.float32)
    if dtype == "BF16":
        return bf16_bits_to_f32(f32_to_bf16_bits(arr)).reshape(arr.shape)
    return arr


# --------------------------------------------------------------------------
# config.json -> one family-independent description
# --------------------------------------------------------------------------

_ACTS = {"gelu": 0, "gelu_new": 1, "gelu_pytorch_tanh": 1, "gelu_fast": 1, "silu": 2, "swish": 2, "relu": 3}


class LMConfig:
    """The fields of a Hugging Face config.json that the exporter uses, with the
    families' defaults (as in transformers' configuration classes)."""

    def __init__(self, raw: dict, path: str = "config.json"):
        self.raw = raw
        self.path = path
        self.used: "OrderedDict[str, object]" = OrderedDict()
        mt = raw.get("model_type")
        if mt not in FAMILIES:
            raise ExportError("%s: model_type %r is not supported; supported: %s"
                              % (path, mt, ", ".join(FAMILIES)))
        self.family: str = mt
        self.used["model_type"] = mt
        if mt == "gpt2":
            self.d = self._req("n_embd")
            self.layers = self._req("n_layer")
            self.heads = self._req("n_head")
            self.kv_heads = self.heads
            self.head_dim = self.d // self.heads
            self.ffn = self._get("n_inner", None) or 4 * self.d
            self.vocab = self._req("vocab_size")
            self.eps = float(self._get("layer_norm_epsilon", 1e-5))
            self.act = self._act(self._get("activation_function", "gelu_new"), "activation_function")
            self.max_pos = self._req("n_positions")
            self.tied = True
            self.rms = False
            self.rotary = False
            self.gated = False
            self.theta = 0.0
            if self._get("scale_attn_by_inverse_layer_idx", False):
                raise ExportError("%s: scale_attn_by_inverse_layer_idx=true is not supported" % path)
            if not self._get("scale_attn_weights", True):
                raise ExportError("%s: scale_attn_weights=false is not supported" % path)
        else:
            self.d = self._req("hidden_size")
            self.layers = self._req("num_hidden_layers")
            self.heads = self._req("num_attention_heads")
            self.kv_heads = self._get("num_key_value_heads", None) or self.heads
            default_hd = 256 if mt == "gemma" else None
            self.head_dim = self._get("head_dim", default_hd) or self.d // self.heads
            self.ffn = self._req("intermediate_size")
            self.vocab = self._req("vocab_size")
            self.eps = float(self._get("rms_norm_eps", 1e-6))
            self.theta = float(self._get("rope_theta", 10000.0))
            self.max_pos = self._get("max_position_embeddings", 2048)
            self.tied = bool(self._get("tie_word_embeddings", mt == "gemma"))
            self.rms = True
            self.rotary = True
            self.gated = True
            if mt == "gemma":
                ha = self._get("hidden_activation", None)
                # transformers' GemmaMLP uses gelu_pytorch_tanh when hidden_activation is unset
                self.act = self._act(ha if ha is not None else "gelu_pytorch_tanh", "hidden_activation")
            else:
                self.act = self._act(self._get("hidden_act", "silu"), "hidden_act")
            rs = self._get("rope_scaling", None)
            if rs is not None:
                raise ExportError("%s: rope_scaling %s is not supported (only unscaled rotary positions)"
                                  % (path, json.dumps(rs)))
            if self.heads % self.kv_heads:
                raise ExportError("%s: num_attention_heads %d is not a multiple of num_key_value_heads %d"
                                  % (path, self.heads, self.kv_heads))
        self.qkv_bias = mt == "qwen2" or (mt == "llama" and bool(self._get("attention_bias", False)))
        self.o_bias = mt == "llama" and bool(self._get("attention_bias", False))
        self.mlp_bias = mt == "llama" and bool(self._get("mlp_bias", False))
        self.window = 0
        if mt == "mistral":
            sw = self._get("sliding_window", 4096)
            self.window = int(sw) if sw is not None else 0
        if mt == "qwen2" and self._get("use_sliding_window", False):
            raise ExportError("%s: use_sliding_window=true is not supported for qwen2" % path)
        self.embed_scale = math.sqrt(self.d) if mt == "gemma" else 1.0
        self.norm_offset = 1.0 if mt == "gemma" else 0.0
        self.bos = self._tok_id("bos_token_id")
        self.eos = self._tok_id("eos_token_id")
        pad = self._tok_id("pad_token_id")
        self.pad = pad if pad is not None else (self.eos if self.eos is not None else 0)
        if self.rotary and self.head_dim % 2:
            raise ExportError("%s: head_dim %d must be even for rotary positions" % (path, self.head_dim))

    def _req(self, key: str) -> int:
        if key not in self.raw or self.raw[key] is None:
            raise ExportError("%s: required field '%s' is missing (model_type %s)" % (self.path, key, self.family))
        v = self.raw[key]
        if not isinstance(v, int) or v <= 0:
            raise ExportError("%s: field '%s' must be a positive integer, not %r" % (self.path, key, v))
        self.used[key] = v
        return v

    def _get(self, key: str, default):
        if key in self.raw:
            self.used[key] = self.raw[key]
            return self.raw[key]
        return default

    def _tok_id(self, key: str) -> Optional[int]:
        v = self._get(key, None)
        if isinstance(v, list):  # e.g. Llama 3's several end-of-turn ids: the first is the main one
            v = v[0] if v else None
        if v is not None and not isinstance(v, int):
            raise ExportError("%s: %s must be an integer or null, not %r" % (self.path, key, v))
        return v

    def _act(self, name, key: str) -> int:
        if name not in _ACTS:
            raise ExportError("%s: %s %r is not supported; supported: %s"
                              % (self.path, key, name, ", ".join(sorted(_ACTS))))
        return _ACTS[name]


def load_config(hf_dir: str) -> LMConfig:
    path = os.path.join(hf_dir, "config.json")
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except FileNotFoundError:
        raise ExportError("%s: not found (a Hugging Face model folder has config.json)" % path)
    except json.JSONDecodeError as e:
        raise ExportError("%s: not valid JSON: %s" % (path, e))
    return LMConfig(raw, path)


# --------------------------------------------------------------------------
# The TorchScript-able decoder
# --------------------------------------------------------------------------

class _LMNorm(nn.Module):
    """LayerNorm (with bias) or RMSNorm ``x / sqrt(mean(x^2) + eps) * (offset + w)``
    (offset 1 for Gemma)."""

    def __init__(self, weight: Tensor, bias: Optional[Tensor], eps: float, rms: bool, offset: float):
        super().__init__()
        self.weight = nn.Parameter(weight)
        self.bias = nn.Parameter(bias if bias is not None else torch.zeros(0))
        self.eps: float = eps
        self.rms: bool = rms
        self.offset: float = offset

    def forward(self, x: Tensor) -> Tensor:
        if self.rms:
            y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
            return y * (self.weight + self.offset)
        return F.layer_norm(x, [x.shape[-1]], self.weight, self.bias, self.eps)


def _linear(weight: Tensor, bias: Optional[Tensor]) -> nn.Linear:
    lin = nn.Linear(weight.shape[1], weight.shape[0], bias=bias is not None)
    with torch.no_grad():
        lin.weight = nn.Parameter(weight.contiguous())
        if bias is not None:
            lin.bias = nn.Parameter(bias.contiguous())
    return lin


def _rotate_half(x: Tensor) -> Tensor:
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class _LMBlock(nn.Module):
    """A pre-norm decoder block: ``h + attn(norm1(h))`` then ``h + mlp(norm2(h))``."""

    def __init__(self, index: int, cfg: LMConfig, p: Dict[str, Optional[Tensor]]):
        super().__init__()
        self.ln1 = _LMNorm(p["ln1.w"], p["ln1.b"], cfg.eps, cfg.rms, cfg.norm_offset)
        self.q = _linear(p["q.w"], p["q.b"])
        self.k = _linear(p["k.w"], p["k.b"])
        self.v = _linear(p["v.w"], p["v.b"])
        self.o = _linear(p["o.w"], p["o.b"])
        self.ln2 = _LMNorm(p["ln2.w"], p["ln2.b"], cfg.eps, cfg.rms, cfg.norm_offset)
        self.up = _linear(p["up.w"], p["up.b"])
        self.gated: bool = cfg.gated
        self.gate = _linear(p["gate.w"], p["gate.b"]) if cfg.gated else nn.Identity()
        self.down = _linear(p["down.w"], p["down.b"])
        self.act_kind: int = cfg.act
        self.heads: int = cfg.heads
        self.kv_heads: int = cfg.kv_heads
        self.head_dim: int = cfg.head_dim
        self.scale: float = 1.0 / math.sqrt(cfg.head_dim)
        self.rotary: bool = cfg.rotary
        self.window: int = cfg.window
        if cfg.rotary:
            # as transformers: 1 / theta^(arange(0, dim, 2) / dim), float32
            inv = 1.0 / (cfg.theta ** (torch.arange(0, cfg.head_dim, 2, dtype=torch.int64).float() / cfg.head_dim))
        else:
            inv = torch.zeros(0)
        self.register_buffer("inv_freq", inv)
        self.probs_name: str = "blocks.%d.attn.probs" % index
        self.attn_name: str = "blocks.%d.attn" % index
        self.act_name: str = "blocks.%d.mlp.act" % index

    def _act(self, x: Tensor) -> Tensor:
        if self.act_kind == 0:
            return F.gelu(x)
        if self.act_kind == 1:
            return F.gelu(x, approximate="tanh")
        if self.act_kind == 2:
            return F.silu(x)
        return F.relu(x)

    def forward(self, h: Tensor, replace: Dict[str, Tensor], out: Dict[str, Tensor]) -> Tensor:
        b, s = h.shape[0], h.shape[1]
        x = self.ln1(h)
        q = self.q(x).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        k = self.k(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        if self.rotary:
            pos = torch.arange(s, device=h.device, dtype=torch.float32)
            freqs = pos.unsqueeze(1) * self.inv_freq.unsqueeze(0)
            emb = torch.cat([freqs, freqs], dim=-1)
            cos = emb.cos()
            sin = emb.sin()
            q = q * cos + _rotate_half(q) * sin
            k = k * cos + _rotate_half(k) * sin
        if self.kv_heads != self.heads:
            # query head j reads key/value head j // (heads / kv_heads), as transformers' repeat_kv
            rep = self.heads // self.kv_heads
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        scores = torch.matmul(q, k.transpose(-2, -1)) * self.scale
        i = torch.arange(s, device=h.device).unsqueeze(1)
        j = torch.arange(s, device=h.device).unsqueeze(0)
        blocked = j > i
        if self.window > 0:
            blocked = blocked | (i - j >= self.window)
        scores = scores.masked_fill(blocked, float("-inf"))
        probs = torch.softmax(scores, dim=-1)
        probs = _point(self.probs_name, probs, replace, out)
        a = torch.matmul(probs, v).transpose(1, 2).reshape(b, s, self.heads * self.head_dim)
        a = self.o(a)
        a = _point(self.attn_name, a, replace, out)
        h = h + a
        x = self.ln2(h)
        if self.gated:
            m = self._act(self.gate(x)) * self.up(x)
        else:
            m = self._act(self.up(x))
        m = _point(self.act_name, m, replace, out)
        return h + self.down(m)


class CausalLMWrapper(_LaminaWrapper):
    """The causal-LM convention: ``trace(ids, replace)`` with right-padded int64 ids ``[B, S]``."""

    def __init__(self, cfg: LMConfig, wte: Tensor, wpe: Optional[Tensor], blocks: List[_LMBlock],
                 final_norm: _LMNorm, lm_head: Optional[Tensor], max_length: int):
        names = ["embed"]
        startable = [True]
        for i in range(len(blocks)):
            names += ["blocks.%d.attn.probs" % i, "blocks.%d.attn" % i, "blocks.%d.mlp.act" % i, "blocks.%d" % i]
            startable += [False, False, False, True]
        names.append("final_norm")
        startable.append(True)
        super().__init__(names, startable)
        self.wte = nn.Parameter(wte.contiguous())
        self.learned_pos: bool = wpe is not None
        self.wpe = nn.Parameter(wpe.contiguous() if wpe is not None else torch.zeros(0))
        self.embed_scale: float = cfg.embed_scale
        self.blocks = nn.ModuleList(blocks)
        self.block_names: List[str] = ["blocks.%d" % i for i in range(len(blocks))]
        self.norm = final_norm
        self.tied: bool = lm_head is None
        self.lm_head = nn.Parameter(lm_head.contiguous() if lm_head is not None else torch.zeros(0))
        self.max_length: int = max_length
        self.vocab: int = wte.shape[0]

    def _run(self, h: Tensor, start: int, replace: Dict[str, Tensor]) -> Dict[str, Tensor]:
        out: Dict[str, Tensor] = {}
        if start < 0:
            if h.dim() != 2:
                raise RuntimeError("lamina causal-lm: ids must be [batch, seq] int64")
            s = h.shape[1]
            if s > self.max_length:
                raise RuntimeError("lamina causal-lm: sequence length " + str(s) + " exceeds maxLength "
                                   + str(self.max_length))
            ids = h.long()
            e = F.embedding(ids, self.wte)
            if self.learned_pos:
                e = e + self.wpe[:s].unsqueeze(0)
            if self.embed_scale != 1.0:
                e = e * self.embed_scale
            h = e
        if start <= 0:
            h = _point("embed", h, replace, out)
        for i, blk in enumerate(self.blocks):
            idx = 4 * i + 4  # index of point blocks.i
            if start < idx:
                h = blk(h, replace, out)
            if start <= idx:
                h = _point(self.block_names[i], h, replace, out)
        last = len(self.names) - 1
        if start < last:
            h = self.norm(h)
        if start <= last:
            h = _point("final_norm", h, replace, out)
        if self.tied:
            out["logits"] = F.linear(h, self.wte)
        else:
            out["logits"] = F.linear(h, self.lm_head)
        return out


def _gpt2_prefix(st: SafetensorsReader) -> str:
    for pre in ("transformer.", ""):
        if pre + "wte.weight" in st:
            return pre
    raise ExportError("%s: tensor 'transformer.wte.weight' (or 'wte.weight') not found in the checkpoint" % st.source)


def build_module(cfg: LMConfig, st: SafetensorsReader, max_length: Optional[int] = None) -> CausalLMWrapper:
    """Lamina's decoder for ``cfg`` with the checkpoint's weights (float32, eager)."""
    d, hd, V = cfg.d, cfg.head_dim, cfg.vocab
    qd, kvd = cfg.heads * hd, cfg.kv_heads * hd
    L = int(max_length) if max_length else int(cfg.max_pos)
    if L <= 0 or (cfg.family == "gpt2" and L > cfg.max_pos):
        raise ExportError("--max-length %d must be in 1..%d (%s)" % (L, cfg.max_pos,
                          "n_positions" if cfg.family == "gpt2" else "max_position_embeddings"))
    blocks = []
    if cfg.family == "gpt2":
        pre = _gpt2_prefix(st)
        wte = st.tensor(pre + "wte.weight", [V, d])
        wpe = st.tensor(pre + "wpe.weight", [cfg.max_pos, d])
        for i in range(cfg.layers):
            b = "%sh.%d." % (pre, i)
            # Conv1D stores [in, out]: transpose to nn.Linear's [out, in]
            w = st.tensor(b + "attn.c_attn.weight", [d, 3 * d]).t()
            bias = st.tensor(b + "attn.c_attn.bias", [3 * d])
            p = {"ln1.w": st.tensor(b + "ln_1.weight", [d]), "ln1.b": st.tensor(b + "ln_1.bias", [d]),
                 "q.w": w[:d], "k.w": w[d:2 * d], "v.w": w[2 * d:],
                 "q.b": bias[:d], "k.b": bias[d:2 * d], "v.b": bias[2 * d:],
                 "o.w": st.tensor(b + "attn.c_proj.weight", [d, d]).t(), "o.b": st.tensor(b + "attn.c_proj.bias", [d]),
                 "ln2.w": st.tensor(b + "ln_2.weight", [d]), "ln2.b": st.tensor(b + "ln_2.bias", [d]),
                 "up.w": st.tensor(b + "mlp.c_fc.weight", [d, cfg.ffn]).t(),
                 "up.b": st.tensor(b + "mlp.c_fc.bias", [cfg.ffn]),
                 "down.w": st.tensor(b + "mlp.c_proj.weight", [cfg.ffn, d]).t(),
                 "down.b": st.tensor(b + "mlp.c_proj.bias", [d]),
                 "gate.w": None, "gate.b": None}
            blocks.append(_LMBlock(i, cfg, p))
        norm = _LMNorm(st.tensor(pre + "ln_f.weight", [d]), st.tensor(pre + "ln_f.bias", [d]), cfg.eps, False, 0.0)
        return CausalLMWrapper(cfg, wte, wpe, blocks, norm, None, L)

    def opt(name: str, shape, on: bool) -> Optional[Tensor]:
        return st.tensor(name, shape) if on else None

    wte = st.tensor("model.embed_tokens.weight", [V, d])
    for i in range(cfg.layers):
        b = "model.layers.%d." % i
        a = b + "self_attn."
        p = {"ln1.w": st.tensor(b + "input_layernorm.weight", [d]), "ln1.b": None,
             "q.w": st.tensor(a + "q_proj.weight", [qd, d]), "q.b": opt(a + "q_proj.bias", [qd], cfg.qkv_bias),
             "k.w": st.tensor(a + "k_proj.weight", [kvd, d]), "k.b": opt(a + "k_proj.bias", [kvd], cfg.qkv_bias),
             "v.w": st.tensor(a + "v_proj.weight", [kvd, d]), "v.b": opt(a + "v_proj.bias", [kvd], cfg.qkv_bias),
             "o.w": st.tensor(a + "o_proj.weight", [d, qd]), "o.b": opt(a + "o_proj.bias", [d], cfg.o_bias),
             "ln2.w": st.tensor(b + "post_attention_layernorm.weight", [d]), "ln2.b": None,
             "gate.w": st.tensor(b + "mlp.gate_proj.weight", [cfg.ffn, d]),
             "gate.b": opt(b + "mlp.gate_proj.bias", [cfg.ffn], cfg.mlp_bias),
             "up.w": st.tensor(b + "mlp.up_proj.weight", [cfg.ffn, d]),
             "up.b": opt(b + "mlp.up_proj.bias", [cfg.ffn], cfg.mlp_bias),
             "down.w": st.tensor(b + "mlp.down_proj.weight", [d, cfg.ffn]),
             "down.b": opt(b + "mlp.down_proj.bias", [d], cfg.mlp_bias)}
        blocks.append(_LMBlock(i, cfg, p))
    norm = _LMNorm(st.tensor("model.norm.weight", [d]), None, cfg.eps, True, cfg.norm_offset)
    head = None if cfg.tied else st.tensor("lm_head.weight", [V, d])
    return CausalLMWrapper(cfg, wte, None, blocks, norm, head, L)


# --------------------------------------------------------------------------
# Tokenising the reference prompts (no tokenizers / transformers needed for
# word-level tokenizers)
# --------------------------------------------------------------------------

def _wordlevel_encode(tok: dict, text: str, path: str) -> List[int]:
    import re
    model = tok["model"]
    vocab = model.get("vocab") or {}
    unk = model.get("unk_token")
    norm = tok.get("normalizer")
    if norm is not None:
        if norm.get("type") == "Lowercase":
            text = text.lower()
        else:
            raise ExportError("%s: normalizer %r is not supported by the built-in word-level tokenizer"
                              % (path, norm.get("type")))
    pre = tok.get("pre_tokenizer")
    ptype = pre.get("type") if pre else None
    if ptype == "Whitespace":
        words = re.findall(r"\w+|[^\w\s]+", text)
    elif ptype in ("WhitespaceSplit", None):
        words = text.split()
    else:
        raise ExportError("%s: pre_tokenizer %r is not supported by the built-in word-level tokenizer "
                          "(Whitespace, WhitespaceSplit)" % (path, ptype))
    ids = []
    for w in words:
        if w in vocab:
            ids.append(int(vocab[w]))
        elif unk is not None and unk in vocab:
            ids.append(int(vocab[unk]))
        else:
            raise ExportError("%s: word %r is not in the vocabulary and there is no unk_token" % (path, w))
    return ids


def encode_prompts(tokenizer_path: str, prompts: Sequence[str]) -> List[List[int]]:
    """Token ids of each prompt WITHOUT special tokens (the caller adds BOS)."""
    with open(tokenizer_path, encoding="utf-8") as f:
        tok = json.load(f)
    mtype = (tok.get("model") or {}).get("type")
    if mtype == "WordLevel":
        return [_wordlevel_encode(tok, p, tokenizer_path) for p in prompts]
    try:
        from tokenizers import Tokenizer  # type: ignore
    except ImportError:
        raise ExportError("%s: a %s tokenizer needs the Python 'tokenizers' package to tokenise the reference "
                          "prompts, and it is not installed; install it, or give the ids with --prompt-ids FILE "
                          "(one prompt per line, ids separated by spaces, BOS included if the model wants it)"
                          % (tokenizer_path, mtype))
    t = Tokenizer.from_file(tokenizer_path)
    return [list(t.encode(p, add_special_tokens=False).ids) for p in prompts]


def _add_bos(hf_dir: str, cfg: LMConfig) -> Tuple[bool, str]:
    """Whether ids start with BOS: tokenizer_config.json's add_bos_token, else the
    tokenizer.json post-processor template, else the family's habit."""
    tc = os.path.join(hf_dir, "tokenizer_config.json")
    if os.path.isfile(tc):
        with open(tc, encoding="utf-8") as f:
            v = json.load(f).get("add_bos_token")
        if isinstance(v, bool):
            return v and cfg.bos is not None, "tokenizer_config.json add_bos_token"
    with open(os.path.join(hf_dir, "tokenizer.json"), encoding="utf-8") as f:
        pp = json.load(f).get("post_processor")
    if pp and pp.get("type") == "TemplateProcessing":
        single = pp.get("single") or []
        first = single[0] if single else {}
        return "SpecialToken" in first and cfg.bos is not None, "tokenizer.json post_processor template"
    return cfg.family in ("llama", "mistral", "gemma") and cfg.bos is not None, "family default"


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------

def _max_abs(a: Tensor, b: Tensor) -> float:
    return (a.detach().double() - b.detach().double()).abs().max().item() if a.numel() else 0.0


def _hf_logits(hf_dir: str, ids: Tensor) -> Optional[Tensor]:
    """Logits of transformers' own implementation, or None when it is not importable."""
    try:
        import transformers  # type: ignore
    except ImportError:
        return None
    model = transformers.AutoModelForCausalLM.from_pretrained(hf_dir, torch_dtype=torch.float32)
    model.eval()
    with torch.no_grad():
        return model(input_ids=ids).logits.float()


def export_hf(hf_dir: str, out_dir: str, *, name: Optional[str] = None, prompts: Optional[Sequence[str]] = None,
              prompt_ids: Optional[Sequence[Sequence[int]]] = None, max_length: Optional[int] = None,
              description: str = "", command: str = "", hf_check: bool = True, hf_rtol: float = 1e-4,
              verbose: bool = False) -> str:
    """Exports the Hugging Face causal LM in ``hf_dir`` to ``out_dir``; returns the path of model.pt."""
    cfg = load_config(hf_dir)
    tok_path = os.path.join(hf_dir, "tokenizer.json")
    if not os.path.isfile(tok_path):
        raise ExportError("%s: not found (the exporter copies tokenizer.json next to model.pt)" % tok_path)
    st = SafetensorsReader(hf_dir)
    add_bos, add_bos_from = _add_bos(hf_dir, cfg)

    # reference ids
    if prompt_ids is not None:
        rows = [list(map(int, r)) for r in prompt_ids]
        texts = list(prompts) if prompts is not None else ["ids: " + " ".join(map(str, r)) for r in rows]
        if len(texts) != len(rows):
            raise ExportError("%d prompts but %d rows of prompt ids" % (len(texts), len(rows)))
    else:
        texts = list(prompts) if prompts is not None else list(DEFAULT_PROMPTS)
        rows = encode_prompts(tok_path, texts)
        if add_bos:
            rows = [[cfg.bos] + r for r in rows]
    if not rows or not 1 <= len(rows) <= 16:
        raise ExportError("give between 1 and 16 reference prompts")
    for t, r in zip(texts, rows):
        if not r:
            raise ExportError("reference prompt %r has no tokens" % t)
        bad = [i for i in r if not 0 <= i < cfg.vocab]
        if bad:
            raise ExportError("reference prompt %r: token ids %s outside the vocabulary 0..%d" % (t, bad, cfg.vocab - 1))
    S = max(len(r) for r in rows)
    ids = torch.full((len(rows), S), cfg.pad, dtype=torch.int64)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r, dtype=torch.int64)
    lengths = torch.tensor([len(r) for r in rows], dtype=torch.int64)

    eager = build_module(cfg, st, max_length)
    if S > eager.max_length:
        raise ExportError("reference prompts have %d tokens, more than maxLength %d" % (S, eager.max_length))
    eager.eval()
    scripted = _compile(eager)
    names = list(scripted.probe_points())
    dummy = {"_": torch.zeros(1)}
    report = OrderedDict()
    with torch.no_grad():
        tr = scripted.trace(ids, dummy)
        te = eager.trace(ids, dummy)
        for p in names + ["logits"]:
            LE._check_close("scripted vs eager [%s]" % p, tr[p], te[p])
        report["scripted_vs_eager_max_abs_diff"] = _max_abs(tr["logits"], te["logits"])
        LE._check_close("forward vs trace logits", scripted(ids), tr["logits"])
        for i, p in enumerate(names):
            if scripted.startable[i]:
                rf = scripted.run_from(torch.tensor(i, dtype=torch.int64), tr[p], dummy)
                LE._check_close("run_from(%s) logits" % p, rf["logits"], tr["logits"])
        # right padding must not change real positions: each row alone, unpadded
        for i in range(len(rows)):
            n = int(lengths[i])
            alone = scripted(ids[i:i + 1, :n])
            LE._check_close("row %d alone vs padded batch" % i, tr["logits"][i:i + 1, :n], alone)
    hf_diff = None
    if hf_check:
        hf = _hf_logits(hf_dir, ids)
        if hf is not None:
            mask = torch.arange(S).unsqueeze(0) < lengths.unsqueeze(1)
            a, b = tr["logits"][mask], hf[mask]
            hf_diff = _max_abs(a, b)
            tol = hf_rtol * b.abs().max().item() + 1e-5
            if not hf_diff <= tol:
                raise ExportError("logits differ from transformers' implementation by %.3g (> tolerance %.3g): "
                                  "refusing to export a model that does not match Hugging Face" % (hf_diff, tol))
            report["hf_max_abs_diff"] = hf_diff
    if verbose:
        for k, v in report.items():
            print("  %s: %.3g" % (k, v))

    # --- write --------------------------------------------------------------
    os.makedirs(out_dir, exist_ok=True)
    pt_path = os.path.join(out_dir, "model.pt")
    _save_compiled(scripted, pt_path)
    shutil.copyfile(tok_path, os.path.join(out_dir, "tokenizer.json"))
    arrays = OrderedDict()
    arrays["ids"] = ids.numpy().astype(np.int64)
    arrays["lengths"] = lengths.numpy().astype(np.int64)
    arrays["logits"] = tr["logits"].numpy().astype(np.float32)
    arrays["last_hidden"] = tr["blocks.%d" % (cfg.layers - 1)].numpy().astype(np.float32)
    if hf_diff is not None:
        arrays["hf_max_abs_diff"] = np.float64(hf_diff)
    np.savez(os.path.join(out_dir, "reference-outputs.npz"), **arrays)

    d = cfg.d
    meta = OrderedDict()
    meta["name"] = name or os.path.basename(os.path.normpath(hf_dir))
    meta["description"] = description
    meta["kind"] = "causal-lm"
    meta["format"] = "torchscript"
    meta["file"] = "model.pt"
    meta["architecture"] = cfg.family
    meta["source"] = OrderedDict([("checkpoint", os.path.basename(os.path.normpath(hf_dir))),
                                  ("config", cfg.used),
                                  ("safetensorsSha256", st.sha256())])
    meta["input"] = OrderedDict([("kind", "tokens"), ("vocabSize", cfg.vocab), ("maxLength", eager.max_length)])
    meta["tokenizer"] = OrderedDict([("file", "tokenizer.json"), ("bosId", cfg.bos), ("eosId", cfg.eos),
                                     ("padId", cfg.pad), ("addBos", bool(add_bos)), ("addBosFrom", add_bos_from)])
    meta["blocks"] = cfg.layers
    meta["hiddenSize"] = d
    pts = []
    for i, p in enumerate(names):
        if p.endswith(".attn.probs"):
            shape = [cfg.heads, -1, -1]
        elif p.endswith(".mlp.act"):
            shape = [-1, cfg.ffn]
        else:
            shape = [-1, d]
        pts.append(OrderedDict([("name", p), ("shape", shape), ("startable", bool(scripted.startable[i]))]))
    meta["probePoints"] = pts
    meta["reference"] = OrderedDict([("file", "reference-outputs.npz"), ("prompts", texts)])
    checks = OrderedDict([("scriptedVsEagerMaxAbsDiff", report["scripted_vs_eager_max_abs_diff"])])
    checks["hfMaxAbsDiff"] = hf_diff
    if hf_diff is None:
        checks["hfNote"] = "transformers not importable at export time: logits not compared with Hugging Face"
    meta["checks"] = checks
    meta["exporter"] = OrderedDict([("tool", LE.TOOL_PATH), ("torch", torch.__version__), ("command", command)])
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2, ensure_ascii=False)
        f.write("\n")

    # reload and reproduce the npz without the in-memory copies (peak memory: one model, not two)
    del scripted, eager, tr, te
    check_exported_lm(out_dir)
    return pt_path


def check_exported_lm(out_dir: str) -> None:
    """Reloads ``out_dir/model.pt`` and reproduces reference-outputs.npz."""
    m = _load_compiled(os.path.join(out_dir, "model.pt"))
    with open(os.path.join(out_dir, "model.json"), encoding="utf-8") as f:
        meta = json.load(f)
    ref = np.load(os.path.join(out_dir, "reference-outputs.npz"))
    names = list(m.probe_points())
    if names != [p["name"] for p in meta["probePoints"]]:
        raise AssertionError("%s: probe_points() differ from model.json" % out_dir)
    ids = torch.from_numpy(ref["ids"])
    with torch.no_grad():
        tr = m.trace(ids, {"_": torch.zeros(1)})
    LE._check_close("reloaded logits", tr["logits"], torch.from_numpy(ref["logits"]))
    LE._check_close("reloaded last_hidden", tr["blocks.%d" % (meta["blocks"] - 1)], torch.from_numpy(ref["last_hidden"]))


def read_prompt_ids(path: str) -> List[List[int]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for k, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append([int(t) for t in line.replace(",", " ").split()])
            except ValueError:
                raise ExportError("%s:%d: expected token ids separated by spaces" % (path, k))
    return rows


def read_prompts(path: str) -> List[str]:
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def add_cli(sub) -> None:
    hf = sub.add_parser("hf", help="export a Hugging Face decoder LM folder (gpt2, llama, mistral, qwen2, gemma) "
                                   "as a causal-lm model, without transformers")
    hf.add_argument("hf_dir", metavar="HF_DIR", help="folder with config.json, model.safetensors (or a sharded "
                                                      "index) and tokenizer.json")
    hf.add_argument("--out", required=True, help="output directory")
    hf.add_argument("--name", help="model name in model.json (default: the folder name)")
    hf.add_argument("--prompts", help="reference prompts, one per line (default: %d built-in English prompts)"
                                      % len(DEFAULT_PROMPTS))
    hf.add_argument("--prompt-ids", help="token ids of the reference prompts, one prompt per line (needed for "
                                         "non-word-level tokenizers when the 'tokenizers' package is absent)")
    hf.add_argument("--max-length", type=int, help="maxLength in model.json (default: the config's "
                                                   "max_position_embeddings / n_positions)")
    hf.add_argument("--description", default="", help="description in model.json")


def run_cli(args, argv: Sequence[str]) -> int:
    command = "python3 tools/lamina_export.py " + " ".join(argv)
    try:
        p = export_hf(args.hf_dir, args.out, name=args.name,
                      prompts=read_prompts(args.prompts) if args.prompts else None,
                      prompt_ids=read_prompt_ids(args.prompt_ids) if args.prompt_ids else None,
                      max_length=args.max_length, description=args.description, command=command, verbose=True)
    except (ExportError, FileNotFoundError) as e:
        print("lamina_export.py: error: %s" % e, file=sys.stderr)
        return 2
    print("wrote", p)
    return 0
