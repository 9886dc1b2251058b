package org.lamina.analysis.model.torchscript;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.model.Fixtures;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.Objective;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;
import org.lamina.analysis.model.djl.Mlp;
import org.lamina.analysis.model.djl.NativeModel;
import org.lamina.analysis.model.djl.NativeModelFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same MLP weights run through the native DJL back-end (loaded from {@code weights.npz}) and
 * the TorchScript back-end ({@code model.pt}) give the same activations, logits and gradients.
 */
class BackendAgreementTest {

    @Test
    void nativeAndTorchScriptAgreeOnTheSameWeights() throws Exception {
        Path fixture = Fixtures.dir("tiny-mlp");
        Path nativeDir = Files.createTempDirectory("lamina-native-mlp");
        Files.copy(fixture.resolve("weights.npz"), nativeDir.resolve("weights.npz"));
        Mlp shape = new Mlp(new int[] {12, 10, 7, 2}, Mlp.Kind.TANH);
        var input = new ModelManifest.InputSpec(new long[] {12}, new float[] {0f}, new float[] {1f});
        ModelManifest described = NativeModelFiles.manifest(nativeDir, "tiny-mlp-native", shape, input, List.of("0", "1"), Map.of());
        Files.writeString(nativeDir.resolve("model.json"), """
                {"name": "tiny-mlp-native", "format": "djl", "file": "weights.npz", "architecture": "mlp",
                 "network": {"widths": [12, 10, 7, 2], "activation": "tanh"},
                 "input": {"shape": [12], "mean": [0.0], "std": [1.0]}, "labels": ["0", "1"],
                 "probePoints": [{"name": "layer1", "shape": [10], "startable": true},
                                 {"name": "layer2", "shape": [7], "startable": true},
                                 {"name": "layer3", "shape": [2], "startable": true}]}
                """);
        assertThat(described.probePoints()).hasSize(3);
        ModelRuntime.engine();
        try (ProbeableModel scripted = ModelLoader.open(fixture, Device.cpu());
             ProbeableModel nativeMlp = ModelLoader.open(nativeDir, Device.cpu());
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertThat(nativeMlp).isInstanceOf(NativeModel.class);
            NDArray x = Fixtures.npz(m, fixture.resolve("reference-outputs.npz")).get("input");
            Objective objective = Objective.classProbability(1);
            Trace a = scripted.run(m, RunRequest.fromInput(x).capture("act1", "act2").objective(objective)
                    .inputGradient().gradientAt("act1").build());
            Trace b = nativeMlp.run(m, RunRequest.fromInput(x).capture("layer1", "layer2").objective(objective)
                    .inputGradient().gradientAt("layer1").build());
            assertMaxDiff(a.activation("act1"), b.activation("layer1"));
            assertMaxDiff(a.activation("act2"), b.activation("layer2"));
            assertMaxDiff(a.logits(), b.logits());
            assertMaxDiff(a.inputGradient(), b.inputGradient());
            assertMaxDiff(a.gradient("act1"), b.gradient("layer1"));
        }
    }

    private static void assertMaxDiff(NDArray a, NDArray b) {
        assertThat(a.sub(b).abs().max().getFloat()).isLessThanOrEqualTo(1e-5f);
    }
}
