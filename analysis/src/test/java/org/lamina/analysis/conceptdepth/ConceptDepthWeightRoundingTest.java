package org.lamina.analysis.conceptdepth;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.djl.Mlp;
import org.lamina.analysis.model.djl.NativeModel;
import org.lamina.analysis.model.djl.NativeModelFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Reduced-precision weights: {@link ProbeableModel#roundWeights} with {@link Precision#roundValue}. */
class ConceptDepthWeightRoundingTest {

    @Test
    void javaHalfRoundingMatchesLibtorch() {
        Random rnd = new Random(7);
        float[] v = new float[20000];
        for (int i = 0; i < v.length; i++) {
            // magnitudes from subnormal half to beyond the fp16 range, and exact ties
            v[i] = i % 5 == 0 ? (float) ((rnd.nextInt(4000) + 0.5) * Math.scalb(1.0, rnd.nextInt(30) - 34))
                    : (float) (rnd.nextGaussian() * Math.scalb(1.0, rnd.nextInt(46) - 28));
        }
        v[0] = 65519f;
        v[1] = 65520f;
        v[2] = -65520f;
        v[3] = 0x1p-25f;
        v[4] = 0x1.8p-25f;
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            float[] torch = m.create(v).toType(DataType.FLOAT16, true).toType(DataType.FLOAT32, true).toFloatArray();
            for (int i = 0; i < v.length; i++) {
                assertThat((float) Precision.FP16.roundValue(v[i])).as("fp16(%s)", v[i]).isEqualTo(torch[i]);
            }
        }
        assertThat(Precision.roundToFloat16(65519f)).isEqualTo(65504f);
        assertThat(Precision.roundToFloat16(65520f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Precision.roundToFloat16(1f + 0x1p-11f)).isEqualTo(1f); // tie to even
        assertThat(Precision.roundToFloat16(1f + 0x1p-11f + 0x1p-10f)).isEqualTo(1f + 0x1p-9f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-cnn", "tiny-vit"})
    void roundedTorchScriptWeightsAreRepresentableAndChangeLogitsSlightly(String name) {
        Supplier<ProbeableModel> open = () -> ModelLoader.open("sample:" + name, ModelRuntime.DeviceChoice.CPU);
        check(open);
    }

    @Test
    void roundedNativeWeightsAreRepresentableAndChangeLogitsSlightly() {
        Supplier<ProbeableModel> open = () -> {
            ModelRuntime.engine().setRandomSeed(3);
            Mlp mlp = new Mlp(new int[] {12, 10, 7, 2}, Mlp.Kind.TANH);
            Model djl = Model.newInstance("mlp", ai.djl.Device.cpu(), ModelRuntime.ENGINE);
            djl.setBlock(mlp);
            mlp.initialize(djl.getNDManager(), DataType.FLOAT32, new Shape(1, 12));
            mlp.freezeParameters(true);
            var input = new ModelManifest.InputSpec(new long[] {12}, new float[] {0f}, new float[] {1f});
            return NativeModel.wrap(NativeModelFiles.manifest(Path.of("."), "mlp", mlp, input, List.of("0", "1"),
                    Map.of()), djl);
        };
        check(open);
    }

    @Test
    void precisionVariantRoundsWeightsOnItsOwnCopy() {
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, new long[] {1, 28, 28});
        try (ProbeableModel model = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU)) {
            float[] before = weights(model);
            ProbeResult r = ConceptDepthAnalysis.run(model, set,
                    ProbeParameters.defaults().withMaxSamples(60).withPrecision(Precision.BF16), ProgressSink.none());
            assertThat(weights(model)).isEqualTo(before);
            assertThat((String) r.provenance().get("precisionNote")).contains("weights").contains("bf16");
            // activation rounding alone on the fp32-weight model gives different features
            LayerFeatures activationsOnly = FeatureExtractor.extract(model, set.dataset(), r.features().items(),
                    r.points(), new FeatureExtractor.Options(TokenPooling.CLS, 0, Precision.BF16, 42), ProgressSink.none());
            int last = r.points().size() - 1;
            assertThat(r.features().values().get(last)).hasSameSizeAs(activationsOnly.values().get(last))
                    .isNotEqualTo(activationsOnly.values().get(last));
        }
    }

    private static void check(Supplier<ProbeableModel> open) {
        try (ProbeableModel reference = open.get(); ProbeableModel fp32 = open.get();
             ProbeableModel fp16 = open.get(); ProbeableModel bf16 = open.get()) {
            float[] before = weights(reference);
            float[] clean = logits(reference);

            fp32.roundWeights(Precision.FP32::roundValue);
            assertThat(weights(fp32)).isEqualTo(before);
            assertThat(logits(fp32)).isEqualTo(clean);

            fp16.roundWeights(Precision.FP16::roundValue);
            float[] w16 = weights(fp16);
            assertThat(w16).hasSameSizeAs(before).isNotEqualTo(before);
            for (float w : w16) {
                assertThat(Precision.roundToFloat16(w)).isEqualTo(w);
            }
            bf16.roundWeights(Precision.BF16::roundValue);
            float[] wb16 = weights(bf16);
            assertThat(wb16).hasSameSizeAs(before).isNotEqualTo(before);
            for (float w : wb16) {
                assertThat(Float.floatToRawIntBits(w) & 0xFFFF).isZero();
            }
            // the rounding is to the nearest value: within half an ulp of the precision
            for (int i = 0; i < before.length; i++) {
                assertThat(Math.abs(wb16[i] - before[i])).isLessThanOrEqualTo(Math.abs(before[i]) * 0x1p-8f);
                assertThat(Math.abs(w16[i] - before[i])).isLessThanOrEqualTo(Math.max(Math.abs(before[i]) * 0x1p-11f, 0x1p-25f));
            }

            double e16 = relativeChange(logits(fp16), clean);
            double eb16 = relativeChange(logits(bf16), clean);
            assertThat(e16).isGreaterThan(0).isLessThan(1e-2);
            assertThat(eb16).isGreaterThan(0).isLessThan(5e-2);

            // a separately opened copy is untouched
            assertThat(weights(reference)).isEqualTo(before);
            assertThat(logits(reference)).isEqualTo(clean);
            try (ProbeableModel again = open.get()) {
                assertThat(weights(again)).isEqualTo(before);
            }
        }
    }

    /** Every weight, in parameter order, observed through an identity rounding. */
    private static float[] weights(ProbeableModel model) {
        List<Float> seen = new ArrayList<>();
        model.roundWeights(v -> {
            seen.add((float) v);
            return v;
        });
        float[] out = new float[seen.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = seen.get(i);
        }
        return out;
    }

    private static float[] logits(ProbeableModel model) {
        long[] shape = model.manifest().input().shape();
        long[] full = new long[shape.length + 1];
        full[0] = 4;
        System.arraycopy(shape, 0, full, 1, shape.length);
        Shape s = new Shape(full);
        float[] x = new float[(int) s.size()];
        Random rnd = new Random(11);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            NDArray in = m.create(x, s);
            return model.run(m, RunRequest.fromInput(in).build()).logits().toFloatArray();
        }
    }

    private static double relativeChange(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += b[i] * (double) b[i];
        }
        return Math.sqrt(num / den);
    }
}
