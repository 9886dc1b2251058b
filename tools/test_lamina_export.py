#!/usr/bin/env python3
"""Tests of tools/lamina_export.py's graph export (kind "auto") and its
``torchvision`` command.

    /usr/bin/python3 tools/test_lamina_export.py            # all (a few minutes on 2 cores)
    /usr/bin/python3 tools/test_lamina_export.py -k resnet50

Needs PyTorch and torchvision (Debian: python3-torch python3-torchvision);
tests that need torchvision are skipped without it.  Nothing is downloaded:
random weights, and a torch hub directory that is empty on purpose where a
test asks for pretrained weights.
"""

import json
import os
import sys
import tempfile
import unittest
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lamina_export as L  # noqa: E402

try:
    import torchvision  # noqa: F401
    HAVE_TV = True
except ImportError:
    HAVE_TV = False

DUMMY = {"_": torch.zeros(1)}


def _meta(d):
    with open(os.path.join(d, "model.json"), encoding="utf-8") as f:
        return json.load(f)


class _Tmp(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()


@unittest.skipUnless(HAVE_TV, "torchvision is not installed (Debian: apt install python3-torchvision)")
class TorchvisionExport(_Tmp):
    """Export + check (export() reloads the files and runs check_exported,
    which raises on any failure) of torchvision classifiers, random weights."""

    def export(self, arch, size, **kw):
        out = os.path.join(self.tmp, arch)
        L.export_torchvision(arch, out, image_size=size, seed=0, **kw)
        report = L.check_exported(out)
        meta = _meta(out)
        self.assertEqual(meta["architecture"], "graph")
        self.assertEqual(meta["input"]["shape"], [3, size, size])
        self.assertEqual(len(meta["labels"]), 1000)
        self.assertEqual(meta["source"]["model"], arch)
        for p in meta["probePoints"]:
            self.assertIn("module", p, p["name"])
        whats = [r[0] for r in report]
        self.assertIn("logits", whats)
        self.assertTrue(any(w.startswith("run_from(") for w in whats))
        self.assertTrue(any(w.startswith("grad.point.") for w in whats))
        return out, meta

    def test_resnet50(self):
        out, meta = self.export("resnet50", 64)
        names = [p["name"] for p in meta["probePoints"]]
        blocks = ["layer%d.%d" % (l, b) for l, n in zip((1, 2, 3, 4), (3, 4, 6, 3)) for b in range(n)]
        self.assertEqual(names, ["maxpool"] + blocks + ["avgpool"])
        self.assertTrue(all(p["startable"] for p in meta["probePoints"]))
        self.assertEqual([p["module"] for p in meta["probePoints"]], names)
        self.assertEqual(meta["probePoints"][-1]["shape"], [2048, 1, 1])
        # ResNet50_Weights.DEFAULT: resize 232 / crop 224 bilinear, scaled to 64
        tf = torchvision.models.ResNet50_Weights.DEFAULT.transforms()
        self.assertEqual(meta["preprocessing"], {"resizeShorter": int(round(64 * tf.resize_size[0] / 224)),
                                                 "centerCrop": 64, "interpolation": "bilinear"})
        self.assertEqual(meta["labels"][0], "tench")
        # the exported model reproduces the eager torchvision model
        torch.manual_seed(0)
        ref = torchvision.models.resnet50().eval()
        m = torch.jit.load(os.path.join(out, "model.pt"))
        x = torch.randn(2, 3, 64, 64)
        with torch.no_grad():
            L._check_close("resnet50 logits vs torchvision", m(x), ref(x))

    def test_vit_b_16(self):
        out, meta = self.export("vit_b_16", 32)
        pts = meta["probePoints"]
        names = [p["name"] for p in pts]
        expect = ["embed"]
        for i in range(12):
            expect += ["blocks.%d.mlp.act" % i, "blocks.%d" % i]
        self.assertEqual(names, expect + ["norm"])
        self.assertEqual(meta["patchGrid"], [2, 2])
        by = {p["name"]: p for p in pts}
        self.assertEqual(by["embed"]["module"], "encoder.dropout")
        self.assertEqual(by["blocks.3"]["module"], "encoder.layers.encoder_layer_3")
        self.assertEqual(by["blocks.3.mlp.act"]["module"], "encoder.layers.encoder_layer_3.mlp.1")
        self.assertEqual(by["norm"]["module"], "encoder.ln")
        self.assertEqual(by["blocks.0.mlp.act"]["shape"], [5, 3072])
        self.assertEqual(by["blocks.11"]["shape"], [5, 768])
        self.assertFalse(by["blocks.0.mlp.act"]["startable"])
        self.assertTrue(all(by[n]["startable"] for n in ["embed", "norm"] + ["blocks.%d" % i for i in range(12)]))
        # the zero-initialised head was re-initialised (else every gradient is 0)
        ref = np.load(os.path.join(out, "reference-outputs.npz"))
        self.assertGreater(np.abs(ref["grad.point.blocks.0.mlp.act"]).max(), 0)
        # token key: "*P" scales per token, as in the vit kind
        m = torch.jit.load(os.path.join(out, "model.pt"))
        x = torch.from_numpy(ref["input"])
        p = "blocks.2.mlp.act"
        with torch.no_grad():
            tr = m.trace(x, DUMMY)
            mask = torch.ones(x.shape[0], 5, 1)
            mask[:, 3] = 0
            scaled = m.trace(x, {"_": torch.zeros(1), "*" + p: mask})
            repl = tr[p].clone()
            repl[:, 3] = 0
            replaced = m.trace(x, {"_": torch.zeros(1), p: repl})
        self.assertTrue(torch.equal(scaled[p], replaced[p]))
        self.assertTrue(torch.allclose(scaled["logits"], replaced["logits"], atol=1e-6))
        self.assertFalse(torch.allclose(scaled["logits"], tr["logits"]))

    def test_convnext_tiny(self):
        _, meta = self.export("convnext_tiny", 32)
        names = [p["name"] for p in meta["probePoints"]]
        self.assertEqual(names[:5], ["features.0", "features.1.0", "features.1.1", "features.1.2", "features.2"])
        self.assertEqual(names[-1], "classifier.0")  # the pooled, normalised feature before the last Linear
        self.assertEqual(len(names), 1 + 3 + 1 + 3 + 1 + 9 + 1 + 3 + 1)
        self.assertEqual(meta["preprocessing"]["interpolation"], "bilinear")

    def test_efficientnet_b0(self):
        _, meta = self.export("efficientnet_b0", 32)
        names = [p["name"] for p in meta["probePoints"]]
        self.assertEqual(names[0], "features.0")
        self.assertEqual(names[-1], "avgpool")
        self.assertIn("features.6.3", names)
        self.assertEqual(meta["preprocessing"]["interpolation"], "bicubic")

    def test_regnet_y_400mf(self):
        _, meta = self.export("regnet_y_400mf", 32)
        names = [p["name"] for p in meta["probePoints"]]
        self.assertEqual(names[0], "stem")
        self.assertIn("trunk_output.block1.block1-0", names)
        self.assertEqual(names[-1], "avgpool")

    def test_swin_t(self):
        _, meta = self.export("swin_t", 64)
        names = [p["name"] for p in meta["probePoints"]]
        self.assertEqual(names[:3], ["features.0", "features.1.0", "features.1.1"])
        self.assertNotIn("patchGrid", meta)  # Swin's blocks are [B, H, W, C], not a token sequence
        self.assertEqual(names[-1], "avgpool")

    def test_points_and_cuts(self):
        out = os.path.join(self.tmp, "r18")
        L.export_torchvision("resnet18", out, image_size=32,
                             points=["layer3", "layer2.0.conv1", "layer2.0.downsample", "avgpool"])
        pts = _meta(out)["probePoints"]
        self.assertEqual([p["name"] for p in pts], ["layer2.0.conv1", "layer2.0.downsample", "layer3", "avgpool"])
        # a conv inside a residual block is no cut (the skip branch bypasses it)
        self.assertEqual([p["startable"] for p in pts], [False, False, True, True])
        with self.assertRaisesRegex(L.GraphExportError, "'layer1.0.relu' is called 2 times"):
            L.export_torchvision("resnet18", out, image_size=32, points=["layer1.0.relu"])
        with self.assertRaisesRegex(L.GraphExportError, "no module 'layer9'"):
            L.export_torchvision("resnet18", out, image_size=32, points=["layer9"])

    def test_cli(self):
        out = os.path.join(self.tmp, "cli")
        self.assertEqual(L.main(["torchvision", "resnet18", "--out", out, "--image-size", "32", "--seed", "3"]), 0)
        meta = _meta(out)
        self.assertEqual(meta["training"]["seed"], 3)
        self.assertFalse(meta["training"]["trained"])
        self.assertIn("--seed 3", meta["exporter"]["command"])
        self.assertEqual(L.main(["torchvision", "no_such_net", "--out", out]), 2)

    def test_pretrained_weights_never_downloaded(self):
        old = torch.hub.get_dir()
        hub = os.path.join(self.tmp, "hub")
        torch.hub.set_dir(hub)
        try:
            with self.assertRaisesRegex(FileNotFoundError, "not in the torch hub cache .*never downloads"):
                L.export_torchvision("resnet18", os.path.join(self.tmp, "w"), weights="IMAGENET1K_V1")
            self.assertFalse(os.path.exists(os.path.join(hub, "checkpoints")))
            # a checkpoint in the cache is used: a saved state dict stands in for the real file
            torch.manual_seed(5)
            src = torchvision.models.resnet18()
            path = L.torchvision_weights_file(torchvision.models.ResNet18_Weights.IMAGENET1K_V1)
            os.makedirs(os.path.dirname(path))
            torch.save(src.state_dict(), path)
            out = os.path.join(self.tmp, "w")
            L.export_torchvision("resnet18", out, weights="IMAGENET1K_V1", image_size=32)
            meta = _meta(out)
            self.assertTrue(meta["training"]["trained"])
            self.assertEqual(meta["training"]["weights"], "ResNet18_Weights.IMAGENET1K_V1")
            self.assertEqual(meta["preprocessing"], {"resizeShorter": 37, "centerCrop": 32,
                                                     "interpolation": "bilinear"})
            m = torch.jit.load(os.path.join(out, "model.pt"))
            x = torch.randn(2, 3, 32, 32)
            with torch.no_grad():
                L._check_close("loaded weights", m(x), src.eval()(x))
        finally:
            torch.hub.set_dir(old)


class _Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:  # data-dependent control flow: torch.fx cannot trace it
            return x
        return -x


class _Untraceable(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 4, 3)
        self.body = nn.Sequential(OrderedDict([("conv", nn.Conv2d(4, 4, 3)), ("gate", _Gate())]))
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(self.body(self.stem(x)).mean(dim=(2, 3)))


class GraphExport(_Tmp):
    def test_timm_layout_vit_auto_matches_vit_kind(self):
        torch.manual_seed(0)
        vit = L.SimpleViT(img_size=28, in_chans=1, patch_size=7, dim=32, depth=3, num_heads=4, num_classes=10)
        nn.init.normal_(vit.head.weight, std=0.5)
        x = torch.randn(3, 1, 28, 28)
        kw = dict(input_shape=(1, 28, 28), labels=[str(i) for i in range(10)], mean=[0.5], std=[0.25],
                  reference_inputs=x)
        a = os.path.join(self.tmp, "auto")
        v = os.path.join(self.tmp, "vit")
        L.export(vit, a, name="a", kind="auto", **kw)
        L.export(vit, v, name="v", kind="vit", **kw)
        ma, mv = _meta(a), _meta(v)
        auto_pts = {p["name"]: p for p in ma["probePoints"]}
        # the same canonical names as the hand-written vit kind, minus attention probabilities
        self.assertEqual([p["name"] for p in mv["probePoints"] if ".attn.probs" not in p["name"]],
                         [p["name"] for p in ma["probePoints"]])
        for p in mv["probePoints"]:
            if p["name"] in auto_pts:
                self.assertEqual(auto_pts[p["name"]]["shape"], p["shape"], p["name"])
                self.assertEqual(auto_pts[p["name"]]["startable"], p["startable"], p["name"])
        self.assertEqual(ma["patchGrid"], mv["patchGrid"])
        self.assertEqual(auto_pts["embed"]["module"], "input of blocks.0")
        self.assertEqual(auto_pts["blocks.1.mlp.act"]["module"], "blocks.1.mlp.act")
        ra = np.load(os.path.join(a, "reference-outputs.npz"))
        rv = np.load(os.path.join(v, "reference-outputs.npz"))
        for k in ("logits", "grad.input", "point.blocks.0.mlp.act", "grad.point.blocks.0.mlp.act", "point.blocks.2"):
            np.testing.assert_allclose(ra[k], rv[k], rtol=1e-4, atol=1e-5, err_msg=k)
        # a token scale "*P" acts identically in both
        mA = torch.jit.load(os.path.join(a, "model.pt"))
        mV = torch.jit.load(os.path.join(v, "model.pt"))
        scale = torch.rand(3, 17, 1)
        with torch.no_grad():
            la = mA.trace(x, {"_": torch.zeros(1), "*blocks.1.mlp.act": scale})["logits"]
            lv = mV.trace(x, {"_": torch.zeros(1), "*blocks.1.mlp.act": scale})["logits"]
        L._check_close("token scale auto vs vit kind", la, lv)

    def test_sequential_auto(self):
        torch.manual_seed(0)
        seq = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(inplace=True), nn.Flatten(), nn.Linear(4 * 26 * 26, 5))
        out = os.path.join(self.tmp, "seq")
        L.export(seq, out, name="seq", kind="auto", input_shape=(1, 28, 28), labels=list("abcde"), mean=[0.],
                 std=[1.], reference_inputs=torch.randn(2, 1, 28, 28))
        self.assertEqual([p["name"] for p in _meta(out)["probePoints"]], ["0", "1", "2"])

    def test_untraceable_module_is_named(self):
        model = _Untraceable()
        with self.assertRaises(L.GraphExportError) as cm:
            L.export(model, os.path.join(self.tmp, "u"), name="u", kind="auto", input_shape=(1, 8, 8),
                     labels=["a", "b", "c"], mean=[0.], std=[1.], reference_inputs=torch.randn(2, 1, 8, 8))
        msg = str(cm.exception)
        self.assertIn("module 'body.gate' (_Gate)", msg)
        self.assertIn("control flow", msg)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "u")))

    def test_untraceable_module_as_leaf(self):
        # TorchScript can compile _Gate, so keeping it opaque exports the model
        model = _Untraceable()
        out = os.path.join(self.tmp, "leaf")
        L.export(model, out, name="u", kind="auto", input_shape=(1, 8, 8), labels=["a", "b", "c"], mean=[0.],
                 std=[1.], reference_inputs=torch.randn(2, 1, 8, 8), leaves=["body.gate"],
                 points=["stem", "body.conv", "body.gate"])
        self.assertEqual([p["startable"] for p in _meta(out)["probePoints"]], [True, True, True])

    def test_tolerance_is_relative_to_scale(self):
        big = torch.tensor([137.0, -20.0])
        L._check_close("large logits", big + 4e-3, big)  # 3e-5 relative
        with self.assertRaisesRegex(AssertionError, "max \\|difference\\| 0.1"):
            L._check_close("large logits", big + 0.1, big)


if __name__ == "__main__":
    unittest.main()
