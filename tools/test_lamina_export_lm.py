#!/usr/bin/env python3
"""Tests of the causal-LM exporter (tools/lamina_export_lm.py, ``lamina_export.py hf``).

    /usr/bin/python3 -m unittest tools/test_lamina_export_lm.py      (about 15 s on 2 cores)

transformers is not installed here, so the exported TorchScript modules are
compared with an INDEPENDENT reference: a plain numpy float64 forward pass per
family written from the Hugging Face modeling formulas (GPT2Model,
LlamaModel, MistralModel, Qwen2Model, GemmaModel), sharing no code with the
exporter's modules, on the weights the fixture script wrote (as stored, after
F16 / BF16 rounding).  The max differences are printed at the end.
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
from collections import OrderedDict

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures"))
import lamina_export as LE  # noqa: E402
import lamina_export_lm as LM  # noqa: E402
import tiny_hf_checkpoints as FX  # noqa: E402

DUMMY = {"_": torch.zeros(1)}
MAX_DIFFS = OrderedDict()


# --------------------------------------------------------------------------
# Independent numpy float64 reference (from the transformers modeling code's formulas)
# --------------------------------------------------------------------------

def _softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def _gelu_tanh(x):  # transformers' NewGELUActivation / gelu_pytorch_tanh
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def _silu(x):
    return x / (1.0 + np.exp(-x))


def _layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def np_reference(family, cfg, weights, ids):
    """One unpadded row of token ids -> dict of activations (float64), names as the probe points."""
    W = {k: v.astype(np.float64) for k, v in weights.items()}
    ids = np.asarray(ids)
    S = len(ids)
    out = {}
    causal = np.arange(S)[None, :] > np.arange(S)[:, None]  # [i, j] True where j > i
    if family == "gpt2":
        d, H, L = cfg["n_embd"], cfg["n_head"], cfg["n_layer"]
        hd = d // H
        eps = cfg["layer_norm_epsilon"]
        P = "transformer."
        x = W[P + "wte.weight"][ids] + W[P + "wpe.weight"][np.arange(S)]
        out["embed"] = x
        for l in range(L):
            b = P + "h.%d." % l
            a = _layer_norm(x, W[b + "ln_1.weight"], W[b + "ln_1.bias"], eps)
            qkv = a @ W[b + "attn.c_attn.weight"] + W[b + "attn.c_attn.bias"]  # Conv1D: x W + b
            q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
            probs = np.zeros((H, S, S))
            ctx = np.zeros((S, d))
            for h in range(H):
                sl = slice(h * hd, (h + 1) * hd)
                sc = q[:, sl] @ k[:, sl].T / np.sqrt(hd)
                sc[causal] = -np.inf
                probs[h] = _softmax(sc)
                ctx[:, sl] = probs[h] @ v[:, sl]
            att = ctx @ W[b + "attn.c_proj.weight"] + W[b + "attn.c_proj.bias"]
            out["blocks.%d.attn.probs" % l] = probs
            out["blocks.%d.attn" % l] = att
            x = x + att
            m = _layer_norm(x, W[b + "ln_2.weight"], W[b + "ln_2.bias"], eps)
            act = _gelu_tanh(m @ W[b + "mlp.c_fc.weight"] + W[b + "mlp.c_fc.bias"])
            out["blocks.%d.mlp.act" % l] = act
            x = x + act @ W[b + "mlp.c_proj.weight"] + W[b + "mlp.c_proj.bias"]
            out["blocks.%d" % l] = x
        x = _layer_norm(x, W[P + "ln_f.weight"], W[P + "ln_f.bias"], eps)
        out["final_norm"] = x
        out["logits"] = x @ W[P + "wte.weight"].T
        return out

    d, H, L = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"]
    KV = cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or d // H
    eps = cfg["rms_norm_eps"]
    theta = cfg["rope_theta"]
    gemma = family == "gemma"

    def rms(x, w):
        y = x / np.sqrt((x * x).mean(-1, keepdims=True) + eps)
        return y * (1.0 + w) if gemma else y * w

    def rope(x):  # x [S, hd]: rotate the pairs (j, j + hd/2) by pos * theta^(-2j/hd)
        half = hd // 2
        ang = np.arange(S)[:, None] * theta ** (-2.0 * np.arange(half) / hd)[None, :]
        c, s = np.cos(ang), np.sin(ang)
        x1, x2 = x[:, :half], x[:, half:]
        return np.concatenate([x1 * c - x2 * s, x2 * c + x1 * s], axis=1)

    blocked = causal.copy()
    if family == "mistral" and cfg.get("sliding_window"):
        blocked |= (np.arange(S)[:, None] - np.arange(S)[None, :]) >= cfg["sliding_window"]
    act_fn = _gelu_tanh if gemma else _silu
    x = W["model.embed_tokens.weight"][ids]
    if gemma:
        x = x * np.sqrt(d)
    out["embed"] = x
    for l in range(L):
        b = "model.layers.%d." % l
        a = rms(x, W[b + "input_layernorm.weight"])

        def proj(n):
            y = a @ W[b + "self_attn.%s_proj.weight" % n].T
            return y + W[b + "self_attn.%s_proj.bias" % n] if (b + "self_attn.%s_proj.bias" % n) in W else y

        q, k, v = proj("q"), proj("k"), proj("v")
        probs = np.zeros((H, S, S))
        ctx = np.zeros((S, H * hd))
        for h in range(H):
            g = h // (H // KV)  # the kv head shared by this query head
            qh = rope(q[:, h * hd:(h + 1) * hd])
            kh = rope(k[:, g * hd:(g + 1) * hd])
            sc = qh @ kh.T / np.sqrt(hd)
            sc[blocked] = -np.inf
            probs[h] = _softmax(sc)
            ctx[:, h * hd:(h + 1) * hd] = probs[h] @ v[:, g * hd:(g + 1) * hd]
        att = ctx @ W[b + "self_attn.o_proj.weight"].T
        out["blocks.%d.attn.probs" % l] = probs
        out["blocks.%d.attn" % l] = att
        x = x + att
        m = rms(x, W[b + "post_attention_layernorm.weight"])
        act = act_fn(m @ W[b + "mlp.gate_proj.weight"].T) * (m @ W[b + "mlp.up_proj.weight"].T)
        out["blocks.%d.mlp.act" % l] = act
        x = x + act @ W[b + "mlp.down_proj.weight"].T
        out["blocks.%d" % l] = x
    x = rms(x, W["model.norm.weight"])
    out["final_norm"] = x
    head = W["lm_head.weight"] if "lm_head.weight" in W else W["model.embed_tokens.weight"]
    out["logits"] = x @ head.T
    return out


def np_final(family, cfg, weights, h):
    """final norm + lm_head of a stream h [S, d] (the logit lens), float64."""
    W = {k: v.astype(np.float64) for k, v in weights.items()}
    if family == "gpt2":
        x = _layer_norm(h, W["transformer.ln_f.weight"], W["transformer.ln_f.bias"], cfg["layer_norm_epsilon"])
        return x @ W["transformer.wte.weight"].T
    w = W["model.norm.weight"]
    x = h / np.sqrt((h * h).mean(-1, keepdims=True) + cfg["rms_norm_eps"])
    x = x * (1.0 + w) if family == "gemma" else x * w
    return x @ W.get("lm_head.weight", W["model.embed_tokens.weight"]).T


# --------------------------------------------------------------------------

class CausalLMExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="lamina-lm-test-")
        cls.fx = {}
        cls.models = {}
        cls.meta = {}
        cls.ref = {}
        for fam in FX.FAMILIES:
            src = os.path.join(cls.tmp, "hf", fam)
            cfg, w = FX.make(fam, src)
            out = os.path.join(cls.tmp, "out", fam)
            LM.export_hf(src, out, name="tiny-" + fam)
            cls.fx[fam] = (src, cfg, w)
            cls.models[fam] = LE._load_compiled(os.path.join(out, "model.pt"))
            with open(os.path.join(out, "model.json"), encoding="utf-8") as f:
                cls.meta[fam] = json.load(f)
            cls.ref[fam] = dict(np.load(os.path.join(out, "reference-outputs.npz")))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if MAX_DIFFS:
            print("\nmax |exported - numpy float64 reference| per family:")
            for k, v in MAX_DIFFS.items():
                print("  %-28s %.3g" % (k, v))

    def _close(self, what, got, want, rtol=1e-4, atol=1e-5):
        got = np.asarray(got, dtype=np.float64)
        want = np.asarray(want, dtype=np.float64)
        self.assertEqual(got.shape, want.shape, what)
        fin = np.isfinite(want)
        self.assertTrue(np.array_equal(fin, np.isfinite(got)), what + ": non-finite entries differ")
        diff = np.abs(got[fin] - want[fin]).max() if fin.any() else 0.0
        tol = rtol * np.abs(want[fin]).max() + atol
        self.assertLessEqual(diff, tol, "%s: max |diff| %.3g > %.3g" % (what, diff, tol))
        return diff

    # --- parity with the independent reference ---------------------------------

    def _parity(self, fam):
        src, cfg, w = self.fx[fam]
        m, ref = self.models[fam], self.ref[fam]
        ids = torch.from_numpy(ref["ids"])
        with torch.no_grad():
            tr = m.trace(ids, DUMMY)
        worst = 0.0
        for r in range(ids.shape[0]):
            n = int(ref["lengths"][r])
            want = np_reference(fam, cfg, w, ref["ids"][r, :n])
            for p in list(m.probe_points()) + ["logits"]:
                got = tr[p][r].numpy()
                got = got[:, :n, :n] if p.endswith(".probs") else got[:n]
                d = self._close("%s row %d %s" % (fam, r, p), got, want[p])
                if p == "logits":
                    worst = max(worst, d)
            # the npz the exporter wrote holds the same logits
            self._close("%s npz logits row %d" % (fam, r), ref["logits"][r, :n], want["logits"])
        MAX_DIFFS[fam + " logits"] = worst

    def test_parity_gpt2(self):
        self._parity("gpt2")

    def test_parity_llama(self):
        self._parity("llama")

    def test_parity_qwen2(self):
        self._parity("qwen2")

    def test_parity_gemma(self):
        self._parity("gemma")

    def test_parity_mistral(self):
        self._parity("mistral")

    def test_mistral_window_is_exercised(self):
        # the fixture's sliding window (4) is shorter than the reference prompts, so it matters
        ref = self.ref["mistral"]
        self.assertGreater(int(ref["lengths"].max()), self.fx["mistral"][1]["sliding_window"])
        with torch.no_grad():
            probs = self.models["mistral"].trace(torch.from_numpy(ref["ids"]), DUMMY)["blocks.0.attn.probs"]
        self.assertEqual(float(probs[:, :, 6, :3].abs().max()), 0.0)
        self.assertGreater(float(probs[:, :, 6, 3].abs().max()), 0.0)

    # --- model.json ---------------------------------------------------------------

    def test_model_json(self):
        for fam in FX.FAMILIES:
            meta, cfg = self.meta[fam], self.fx[fam][1]
            self.assertEqual(meta["kind"], "causal-lm")
            self.assertEqual(meta["architecture"], fam)
            self.assertEqual(meta["input"], {"kind": "tokens", "vocabSize": len(FX.VOCAB),
                                             "maxLength": cfg.get("max_position_embeddings", cfg.get("n_positions"))})
            L = meta["blocks"]
            names = [p["name"] for p in meta["probePoints"]]
            expect = ["embed"] + sum([["blocks.%d.attn.probs" % i, "blocks.%d.attn" % i, "blocks.%d.mlp.act" % i,
                                       "blocks.%d" % i] for i in range(L)], []) + ["final_norm"]
            self.assertEqual(names, expect)
            self.assertEqual(names, list(self.models[fam].probe_points()))
            st = {p["name"]: p["startable"] for p in meta["probePoints"]}
            self.assertEqual([n for n in names if st[n]], ["embed"] + ["blocks.%d" % i for i in range(L)] + ["final_norm"])
            with torch.no_grad():
                tr = self.models[fam].trace(torch.from_numpy(self.ref[fam]["ids"]), DUMMY)
            for p in meta["probePoints"]:  # declared per-row shapes, -1 = sequence length
                S = tr[p["name"]].shape[1 if not p["name"].endswith(".probs") else 2]
                self.assertEqual([S if s == -1 else s for s in p["shape"]], list(tr[p["name"]].shape[1:]), p["name"])
            self.assertTrue(os.path.isfile(os.path.join(self.tmp, "out", fam, "tokenizer.json")))
        self.assertTrue(self.meta["llama"]["tokenizer"]["addBos"])
        self.assertFalse(self.meta["gpt2"]["tokenizer"]["addBos"])
        self.assertFalse(self.meta["qwen2"]["tokenizer"]["addBos"])
        self.assertEqual(self.meta["llama"]["tokenizer"]["padId"], 0)
        self.assertEqual(self.meta["gpt2"]["tokenizer"]["padId"], 2)  # no pad id: the eos id
        self.assertEqual(self.ref["llama"]["ids"][0, :6].tolist(), [1, 4, 5, 6, 7, 8])  # <s> The capital of France is

    # --- the logit lens and run_from --------------------------------------------------

    def test_run_from_last_block_is_logit_lens(self):
        for fam in FX.FAMILIES:
            src, cfg, w = self.fx[fam]
            m, ref = self.models[fam], self.ref[fam]
            names = list(m.probe_points())
            last = names.index("blocks.%d" % (self.meta[fam]["blocks"] - 1))
            ids = torch.from_numpy(ref["ids"])
            with torch.no_grad():
                tr = m.trace(ids, DUMMY)
                # the lens of an EARLIER stream (blocks.0), read through the last block's run_from
                lens = m.run_from(torch.tensor(last), tr["blocks.0"], DUMMY)
                same = m.run_from(torch.tensor(last), tr[names[last]], DUMMY)
            self._close(fam + " run_from(last block) of its own stream", same["logits"].numpy(), tr["logits"].numpy())
            for r in range(ids.shape[0]):
                n = int(ref["lengths"][r])
                want = np_final(fam, cfg, w, tr["blocks.0"][r, :n].double().numpy())
                self._close(fam + " logit lens of blocks.0", lens["logits"][r, :n].numpy(), want)
            with torch.no_grad():
                fn = m.run_from(torch.tensor(len(names) - 1), tr["final_norm"], DUMMY)
            self._close(fam + " run_from(final_norm)", fn["logits"].numpy(), tr["logits"].numpy())
            with self.assertRaises(Exception):
                m.run_from(torch.tensor(1), tr["blocks.0.attn.probs"], DUMMY)  # not startable

    # --- interventions at one token position -------------------------------------------

    def test_intervention_at_one_token_changes_only_later_positions(self):
        t = 3
        for fam in ("llama", "gpt2", "gemma"):
            m = self.models[fam]
            ids = torch.from_numpy(self.ref[fam]["ids"][1:2])  # an unpadded row (6 or 7 tokens)
            S = ids.shape[1]
            with torch.no_grad():
                base = m.trace(ids, DUMMY)
                d = base["blocks.0"].shape[-1]
                mask = torch.zeros(1, S, 1)
                mask[0, t] = 1.0
                zeroed = base["blocks.0"] * (1 - mask)
                # a non-uniform scale at token t only (a uniform one would vanish in the next RMSNorm)
                scale = torch.ones(1, S, 1) + mask * torch.linspace(-0.5, 1.5, d)
                add = mask * torch.linspace(-1, 1, d)
                cases = {"replace": {"blocks.0": zeroed}, "scale": {"*blocks.0": scale}, "add": {"+blocks.0": add},
                         "scale mlp.act": {"*blocks.0.mlp.act": torch.ones(1, S, 1) + mask * torch.linspace(
                             -0.5, 1.5, base["blocks.0.mlp.act"].shape[-1])}, "scale embed": {"*embed": scale},
                         "scale probs": {"*blocks.0.attn.probs": 1.0 - 0.5 * mask.view(1, 1, S, 1)}}
                for what, rep in cases.items():
                    rep = dict(rep, _=torch.zeros(1))
                    lg = m.trace(ids, rep)["logits"]
                    self.assertTrue(torch.equal(lg[:, :t], base["logits"][:, :t]), "%s %s: earlier changed" % (fam, what))
                    self.assertGreater(float((lg[:, t] - base["logits"][:, t]).abs().max()), 1e-4, "%s %s" % (fam, what))
                    self.assertGreater(float((lg[:, t + 1:] - base["logits"][:, t + 1:]).abs().max()), 1e-4,
                                       "%s %s: later positions unchanged" % (fam, what))
                # the scaled point is what trace reports, and a scale equals the replacement by the scaled value
                out = m.trace(ids, {"*blocks.0": scale, "_": torch.zeros(1)})
                self._close(fam + " scaled point", out["blocks.0"].numpy(), (base["blocks.0"] * scale).numpy())
                out2 = m.trace(ids, {"blocks.0": base["blocks.0"] * scale, "_": torch.zeros(1)})
                self._close(fam + " scale == replace", out2["logits"].numpy(), out["logits"].numpy())

    def test_gradient_through_a_leaf_in_replace(self):
        m = self.models["qwen2"]
        ids = torch.from_numpy(self.ref["qwen2"]["ids"][:1])
        with torch.no_grad():
            h0 = m.trace(ids, DUMMY)["blocks.0"]
        leaf = torch.zeros_like(h0, requires_grad=True)
        out = m.trace(ids, {"+blocks.0": leaf, "_": torch.zeros(1)})
        out["logits"][0, 2, 5].backward()
        g = leaf.grad[0]
        self.assertGreater(float(g[:3].abs().sum()), 0.0)
        self.assertEqual(float(g[3:].abs().sum()), 0.0)  # causal: later positions do not reach position 2

    # --- padding -----------------------------------------------------------------------

    def test_right_padding_does_not_change_real_positions(self):
        for fam in FX.FAMILIES:
            m = self.models[fam]
            row = self.ref[fam]["ids"][1]  # a row without padding
            n, S = 4, len(row)
            with torch.no_grad():
                alone = m(torch.from_numpy(row[None, :n].copy()))
                for pad in (0, 9):
                    padded = torch.full((1, S), pad, dtype=torch.int64)
                    padded[0, :n] = torch.from_numpy(row[:n])
                    batch = torch.cat([padded, torch.from_numpy(row[None].copy())])
                    lg = m(batch)
                    self._close("%s pad %d" % (fam, pad), lg[0, :n].numpy(), alone[0].numpy(), rtol=1e-5, atol=1e-6)

    # --- the committed sample ------------------------------------------------------------

    def test_committed_sample_reproduces(self):
        sample = os.path.join(HERE, "..", "sample-models", "tiny-llama")
        if not os.path.isdir(sample):
            self.skipTest("sample-models/tiny-llama not present")
        LM.check_exported_lm(sample)
        ref = np.load(os.path.join(sample, "reference-outputs.npz"))
        src, cfg, w = self.fx["llama"]  # the same fixture (seed 0) the sample was exported from
        for r in range(ref["ids"].shape[0]):
            n = int(ref["lengths"][r])
            want = np_reference("llama", cfg, w, ref["ids"][r, :n])
            self._close("sample row %d" % r, ref["logits"][r, :n], want["logits"])
            self._close("sample last_hidden row %d" % r, ref["last_hidden"][r, :n], want["blocks.1"])


class SafetensorsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lamina-st-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _raw_file(self, path, entries):
        """Hand-made safetensors file: entries = [(name, dtype, shape, bytes)]."""
        header, off, data = {}, 0, b""
        for name, dt, shape, blob in entries:
            header[name] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + len(blob)]}
            off += len(blob)
            data += blob
        hb = json.dumps(header).encode()
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(hb)) + hb + data)

    def test_bf16_and_f16_decode(self):
        d = os.path.join(self.tmp, "m")
        os.makedirs(d)
        # bf16 bit patterns: 1.0, -2.5, 3.140625, 2^-133 (subnormal in float32), -0.0, 65280 (0x477F)
        bf = [0x3F80, 0xC020, 0x4049, 0x0001, 0x8000, 0x477F]
        f16 = np.array([1.0, -2.5, 65504.0, 2.0 ** -24, 0.333251953125], dtype="<f2")
        self._raw_file(os.path.join(d, "model.safetensors"), [
            ("a", "BF16", [2, 3], struct.pack("<6H", *bf)),
            ("b", "F16", [5], f16.tobytes()),
            ("c", "F32", [2], struct.pack("<2f", 0.5, -7.0))])
        st = LM.SafetensorsReader(d)
        a = st.numpy("a")
        self.assertEqual(a.dtype, np.float32)
        expect_a = np.array([1.0, -2.5, 3.140625, 2.0 ** -133, -0.0, 65280.0], dtype=np.float64)
        self.assertEqual(a.reshape(-1).astype(np.float64).tolist(), expect_a.tolist())
        self.assertTrue(np.signbit(a.reshape(-1)[4]))
        self.assertEqual(st.numpy("b").astype(np.float64).tolist(), f16.astype(np.float64).tolist())
        self.assertEqual(st.numpy("c").tolist(), [0.5, -7.0])
        self.assertEqual(list(st.tensor("a").shape), [2, 3])

    def test_writer_round_trip_rounds_like_torch(self):
        x = np.random.RandomState(3).randn(4, 5).astype(np.float32) * 100
        for dt, tdt in (("BF16", torch.bfloat16), ("F16", torch.float16), ("F32", torch.float32)):
            d = os.path.join(self.tmp, dt)
            os.makedirs(d)
            LM.write_safetensors(os.path.join(d, "model.safetensors"), OrderedDict([("x", x)]), dt)
            got = LM.SafetensorsReader(d).numpy("x")
            want = torch.from_numpy(x).to(tdt).float().numpy()
            self.assertTrue(np.array_equal(got, want), dt)
            self.assertTrue(np.array_equal(LM.decoded(x, dt), want), dt)

    def test_sharded_index(self):
        src = os.path.join(self.tmp, "mistral")
        cfg, w = FX.make("mistral", src)
        self.assertFalse(os.path.exists(os.path.join(src, "model.safetensors")))
        st = LM.SafetensorsReader(src)
        self.assertEqual(sorted(st.names()), sorted(w))
        self.assertEqual(len(set(st.where.values())), 2)
        for n, a in w.items():
            self.assertTrue(np.array_equal(st.numpy(n), a), n)
        self.assertTrue(st.source.endswith("model.safetensors.index.json"))
        # an index naming a missing shard
        idx = os.path.join(src, "model.safetensors.index.json")
        with open(idx) as f:
            j = json.load(f)
        j["weight_map"]["model.norm.weight"] = "model-00003-of-00002.safetensors"
        with open(idx, "w") as f:
            json.dump(j, f)
        with self.assertRaisesRegex(LM.ExportError, "model-00003-of-00002.safetensors"):
            LM.SafetensorsReader(src)

    def test_error_missing_tensor_names_file_and_tensor(self):
        src = os.path.join(self.tmp, "llama")
        cfg, w = FX.make("llama", src)
        del w["model.layers.1.mlp.up_proj.weight"]
        LM.write_safetensors(os.path.join(src, "model.safetensors"), w, "F32")
        with self.assertRaises(LM.ExportError) as cm:
            LM.export_hf(src, os.path.join(self.tmp, "out"))
        msg = str(cm.exception)
        self.assertIn("model.layers.1.mlp.up_proj.weight", msg)
        self.assertIn(os.path.join(src, "model.safetensors"), msg)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out", "model.pt")))

    def test_error_wrong_shape(self):
        src = os.path.join(self.tmp, "qwen2")
        cfg, w = FX.make("qwen2", src)
        w["model.layers.0.self_attn.k_proj.bias"] = np.zeros(7, np.float32)
        LM.write_safetensors(os.path.join(src, "model.safetensors"), w, "F16")
        with self.assertRaisesRegex(LM.ExportError, r"k_proj\.bias.*shape \[7\], expected \[16\]"):
            LM.export_hf(src, os.path.join(self.tmp, "out"))

    def test_error_unknown_model_type(self):
        src = os.path.join(self.tmp, "gpt2")
        FX.make("gpt2", src)
        with open(os.path.join(src, "config.json")) as f:
            cfg = json.load(f)
        cfg["model_type"] = "bert"
        with open(os.path.join(src, "config.json"), "w") as f:
            json.dump(cfg, f)
        with self.assertRaises(LM.ExportError) as cm:
            LM.export_hf(src, os.path.join(self.tmp, "out"))
        self.assertIn("'bert'", str(cm.exception))
        self.assertIn("config.json", str(cm.exception))
        self.assertIn("gpt2, llama, mistral, qwen2, gemma", str(cm.exception))
        # the command line: exit 2 with the message
        r = subprocess.run([sys.executable, os.path.join(HERE, "lamina_export.py"), "hf", src, "--out",
                            os.path.join(self.tmp, "out")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("model_type 'bert' is not supported", r.stderr)

    def test_bpe_tokenizer_needs_prompt_ids(self):
        src = os.path.join(self.tmp, "llama")
        FX.make("llama", src)
        tok = FX.tokenizer_json()
        tok["model"] = {"type": "BPE", "vocab": tok["model"]["vocab"], "merges": []}
        with open(os.path.join(src, "tokenizer.json"), "w") as f:
            json.dump(tok, f)
        try:
            import tokenizers  # noqa: F401
            self.skipTest("the tokenizers package is installed: BPE prompts are tokenised by it")
        except ImportError:
            pass
        with self.assertRaisesRegex(LM.ExportError, "--prompt-ids"):
            LM.export_hf(src, os.path.join(self.tmp, "out"))
        # with ids given, the export goes through and keeps them as given
        out = os.path.join(self.tmp, "out")
        LM.export_hf(src, out, prompt_ids=[[1, 4, 5, 6], [1, 7]])
        ref = np.load(os.path.join(out, "reference-outputs.npz"))
        self.assertEqual(ref["ids"].tolist(), [[1, 4, 5, 6], [1, 7, 0, 0]])
        self.assertEqual(ref["lengths"].tolist(), [4, 2])


class HuggingFaceCheckTest(unittest.TestCase):
    """The export's comparison with transformers, exercised with a stand-in ``transformers`` module
    (transformers is not installed here) whose model returns the numpy reference's logits."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lamina-hf-test-")
        self.src = os.path.join(self.tmp, "gemma")
        self.cfg, self.w = FX.make("gemma", self.src)
        self.saved = sys.modules.get("transformers")

    def tearDown(self):
        if self.saved is None:
            sys.modules.pop("transformers", None)
        else:
            sys.modules["transformers"] = self.saved
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _fake(self, offset):
        import types
        test = self

        class _Out:
            def __init__(self, logits):
                self.logits = logits

        class _Model:
            def eval(self):
                return self

            def __call__(self, input_ids):
                rows = [np_reference("gemma", test.cfg, test.w, r)["logits"] for r in input_ids.numpy()]
                return _Out(torch.from_numpy(np.stack(rows)) + offset)

        class AutoModelForCausalLM:
            @staticmethod
            def from_pretrained(path, torch_dtype=None):
                test.assertEqual(path, test.src)
                return _Model()

        mod = types.ModuleType("transformers")
        mod.AutoModelForCausalLM = AutoModelForCausalLM
        sys.modules["transformers"] = mod

    def test_match_is_recorded(self):
        self._fake(0.0)
        out = os.path.join(self.tmp, "out")
        LM.export_hf(self.src, out)
        ref = np.load(os.path.join(out, "reference-outputs.npz"))
        self.assertIn("hf_max_abs_diff", ref.files)
        self.assertLess(float(ref["hf_max_abs_diff"]), 1e-4)
        self.assertGreater(float(ref["hf_max_abs_diff"]), 0.0)  # float32 vs float64: not bit-equal
        with open(os.path.join(out, "model.json")) as f:
            self.assertAlmostEqual(json.load(f)["checks"]["hfMaxAbsDiff"], float(ref["hf_max_abs_diff"]))

    def test_mismatch_is_refused(self):
        self._fake(0.01)  # far above 1e-4 x max|logit|
        out = os.path.join(self.tmp, "out")
        with self.assertRaisesRegex(LM.ExportError, "differ from transformers"):
            LM.export_hf(self.src, out)
        self.assertFalse(os.path.exists(os.path.join(out, "model.pt")))


if __name__ == "__main__":
    unittest.main()
