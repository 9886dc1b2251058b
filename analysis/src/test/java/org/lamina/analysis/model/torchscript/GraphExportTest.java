package org.lamina.analysis.model.torchscript;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.model.Fixtures;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.Objective;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Models exported by graph ({@code tools/lamina_export.py}, kind "auto") open in Lamina's runner
 * and reproduce what PyTorch computed at export time: torchvision's resnet18 through the
 * {@code torchvision} command, and a small torchvision {@code VisionTransformer} through
 * {@code export(..., kind="auto")}. Runs Debian's {@code /usr/bin/python3} with torch and
 * torchvision (apt: python3-torch python3-torchvision) and is skipped when they are missing.
 */
class GraphExportTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    static Path temp;

    static Path resnet;
    static Path vit;

    @BeforeAll
    static void export() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " not found: skipping the graph-export test");
        assumeTrue(run(List.of(PYTHON, "-c", "import torch, torchvision")).exit == 0,
                "python3 torch/torchvision not installed (apt install python3-torch python3-torchvision): "
                        + "skipping the graph-export test");
        Path tool = repoRoot().resolve("tools/lamina_export.py");
        resnet = temp.resolve("resnet18");
        Result r = run(List.of(PYTHON, tool.toString(), "torchvision", "resnet18", "--out", resnet.toString(),
                "--image-size", "32", "--seed", "1"));
        assertThat(r.exit).as("resnet18 export:\n" + r.output).isZero();
        vit = temp.resolve("tv-vit");
        String script = String.join("\n",
                "import sys; sys.path.insert(0, sys.argv[1])",
                "import torch, torchvision",
                "from lamina_export import export",
                "torch.manual_seed(0)",
                "m = torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2,",
                "                                         hidden_dim=32, mlp_dim=64, num_classes=5)",
                "torch.nn.init.normal_(m.heads.head.weight, std=0.5)  # torchvision zero-initialises it",
                "x = torch.randn(3, 3, 32, 32)",
                "export(m, sys.argv[2], name='tv-vit', kind='auto', input_shape=(3, 32, 32), labels=list('abcde'),",
                "       mean=[0.5] * 3, std=[0.25] * 3, reference_inputs=x, description='GraphExportTest')");
        r = run(List.of(PYTHON, "-c", script, tool.getParent().toString(), vit.toString()));
        assertThat(r.exit).as("ViT export:\n" + r.output).isZero();
    }

    @Test
    void resnetReproducesPytorch() {
        reproduces(resnet, "layer3.0");
    }

    @Test
    void vitReproducesPytorch() {
        reproduces(vit, "blocks.0");
    }

    @Test
    void vitHasTheCanonicalTransformerPoints() {
        try (ProbeableModel model = ModelLoader.open(vit, Device.cpu())) {
            assertThat(model.probePoints()).extracting(ProbePoint::name).containsExactly(
                    "embed", "blocks.0.mlp.act", "blocks.0", "blocks.1.mlp.act", "blocks.1", "norm");
            assertThat(model.manifest().patchGrid()).hasValueSatisfying(g -> assertThat(g).containsExactly(4, 4));
            assertThat(model.manifest().probePoint("blocks.1.mlp.act").shape()).containsExactly(17L, 64L);
            assertThat(model.manifest().probePoint("blocks.1.mlp.act").startable()).isFalse();
            assertThat(model.manifest().probePoint("blocks.1").startable()).isTrue();
        }
    }

    /** Logits, a probe point and the gradients match the export's reference; a run from {@code start} gives the logits. */
    private static void reproduces(Path dir, String start) {
        try (ProbeableModel model = ModelLoader.open(dir, Device.cpu());
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> ref = Fixtures.npz(m, dir.resolve("reference-outputs.npz"));
            long[] target = ref.get("target").toType(DataType.INT64, false).toLongArray();
            int[] classes = new int[target.length];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = (int) target[i];
            }
            List<String> points = ref.keySet().stream().filter(k -> k.startsWith("point.")).map(k -> k.substring(6)).toList();
            assertThat(points).hasSize(2);
            List<String> capture = new ArrayList<>(points);
            capture.add(start);
            // A plain forward (logits only, no gradient) runs under libtorch's inference mode: same logits,
            // and the gradient run after it must still see the module in eval mode (batch-norm on running
            // statistics; a switch to train mode would change the ResNet's logits).
            try (Trace plain = model.run(m, RunRequest.fromInput(ref.get("input")).build())) {
                assertClose(plain.logits(), ref.get("logits"), "logits of a plain forward");
            }
            try (Trace t = model.run(m, RunRequest.fromInput(ref.get("input")).capture(capture)
                    .objective(Objective.classProbability(classes)).inputGradient()
                    .gradientAt(points.toArray(String[]::new)).build())) {
                assertClose(t.logits(), ref.get("logits"), "logits");
                assertClose(t.inputGradient(), ref.get("grad.input"), "input gradient");
                for (String p : points) {
                    assertClose(t.activation(p), ref.get("point." + p), p);
                    assertClose(t.gradient(p), ref.get("grad.point." + p), "gradient at " + p);
                }
                assertThat(model.manifest().probePoint(start).startable()).isTrue();
                try (Trace from = model.run(m, RunRequest.startingAt(start, t.activation(start)).build())) {
                    assertClose(from.logits(), ref.get("logits"), "logits of a run from " + start);
                }
                try (Trace plain = model.run(m, RunRequest.fromInput(ref.get("input")).build())) {
                    assertClose(plain.logits(), ref.get("logits"), "logits of a plain forward after a gradient run");
                }
            }
        }
    }

    /** Within 1e-4 of the expected values' largest magnitude plus 1e-6 (float32 in another order). */
    private static void assertClose(NDArray actual, NDArray expected, String what) {
        assertThat(actual.getShape()).as(what).isEqualTo(expected.getShape());
        NDArray e = expected.toType(DataType.FLOAT32, false);
        float worst = actual.sub(e).abs().max().getFloat();
        float scale = e.abs().max().getFloat();
        assertThat(worst).as(what + ": max |Java - PyTorch| (scale " + scale + ")").isLessThanOrEqualTo(1e-4f * scale + 1e-6f);
    }

    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("tools/lamina_export.py"))) {
                return p;
            }
        }
        throw new IllegalStateException("tools/lamina_export.py not found above " + Path.of("").toAbsolutePath());
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(temp, "python", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out after 600 s: " + command);
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
