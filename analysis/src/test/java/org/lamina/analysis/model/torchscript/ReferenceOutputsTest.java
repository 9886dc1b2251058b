package org.lamina.analysis.model.torchscript;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lamina.analysis.model.Fixtures;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.Objective;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java runner reproduces what PyTorch computed at export time ({@code reference-outputs.npz}):
 * logits, two probe points, the input gradient and the point gradients of
 * {@code sum_i softmax(logits_i)[target_i]}, all to 1e-5.
 */
class ReferenceOutputsTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny-cnn", "tiny-vit", "tiny-mlp"})
    void reproducesPytorch(String fixture) {
        try (ProbeableModel model = ModelLoader.open(Fixtures.dir(fixture), Device.cpu());
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> ref = Fixtures.npz(m, Fixtures.dir(fixture).resolve("reference-outputs.npz"));
            long[] target = ref.get("target").toType(DataType.INT64, false).toLongArray();
            int[] classes = new int[target.length];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = (int) target[i];
            }
            var points = ref.keySet().stream().filter(k -> k.startsWith("point.")).map(k -> k.substring(6)).toList();
            assertThat(points).hasSize(2);
            Trace t = model.run(m, RunRequest.fromInput(ref.get("input")).capture(points)
                    .objective(Objective.classProbability(classes)).inputGradient()
                    .gradientAt(points.toArray(String[]::new)).build());
            assertClose(t.logits(), ref.get("logits"), "logits");
            assertClose(t.inputGradient(), ref.get("grad.input"), "input gradient");
            for (String p : points) {
                assertClose(t.activation(p), ref.get("point." + p), p);
                assertClose(t.gradient(p), ref.get("grad.point." + p), "gradient at " + p);
            }
        }
    }

    private static void assertClose(NDArray actual, NDArray expected, String what) {
        assertThat(actual.getShape()).as(what).isEqualTo(expected.getShape());
        float worst = actual.sub(expected.toType(DataType.FLOAT32, false)).abs().max().getFloat();
        assertThat(worst).as(what + ": max |Java - PyTorch|").isLessThanOrEqualTo(1e-5f);
    }
}
