package org.lamina.analysis.conceptdepth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Extraction against the Python fixture, a whole run on tiny models, files, logit lens, robustness. */
class ConceptDepthAnalysisTest {

    private static final long[] IMAGE = {1, 28, 28};

    @Test
    void pooledFeaturesMatchPyTorch() throws Exception {
        SklearnFixture fx = SklearnFixture.load();
        int[] items = IntStream.range(0, 400).toArray();
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, IMAGE);
        try (ProbeableModel cnn = ModelLoader.open("sample:fashion-cnn", ModelRuntime.DeviceChoice.CPU)) {
            LayerFeatures f = FeatureExtractor.extract(cnn, set.dataset(), items, List.of("stage1", "gap"),
                    FeatureExtractor.Options.defaults(), ProgressSink.none());
            assertThat(f.dimensions()).containsExactly(32, 128);
            assertClose(f.values().get(0), fx.floats.get("cnn_stage1").values());
            assertClose(f.values().get(1), fx.floats.get("cnn_gap").values());
        }
        try (ProbeableModel vit = ModelLoader.open("sample:fashion-vit", ModelRuntime.DeviceChoice.CPU)) {
            LayerFeatures f = FeatureExtractor.extract(vit, set.dataset(), items, List.of("blocks.2"),
                    FeatureExtractor.Options.defaults(), ProgressSink.none());
            assertClose(f.values().get(0), fx.floats.get("vit_blocks2_cls").values());
        }
        assertThat(fx.ints.get("classes")).containsExactly(IntStream.range(0, 400).map(set.dataset()::label).toArray());
    }

    @Test
    void wholeRunOnTinyCnnWritesProbeJsonAndFeatures(@TempDir Path dir) throws Exception {
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, IMAGE);
        ProbeParameters p = ProbeParameters.defaults().withMaxSamples(120);
        ProbeResult r;
        try (ProbeableModel m = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU)) {
            r = ConceptDepthAnalysis.run(m, set, p, ProgressSink.none());
        }
        assertThat(r.points()).isEqualTo(FeatureExtractor.resolvePoints(
                org.lamina.analysis.model.ManifestReader.read(org.lamina.analysis.model.ModelLocator.resolve("sample:tiny-cnn")),
                "layers"));
        assertThat(r.concepts()).hasSize(5);
        for (ConceptProbeResult c : r.concepts()) {
            assertThat(c.trainSize() + c.testSize()).isEqualTo(120);
            assertThat(c.testSize()).isEqualTo(48);
            for (int k = 0; k < c.points().size(); k++) {
                assertThat(c.acc()[k]).isBetween(0.0, 1.0);
                assertThat(c.selectivity()[k]).isCloseTo(c.acc()[k] - c.controlAcc()[k], within(1e-12));
            }
            assertThat(c.depth().threshold().relative()).isBetween(0.0, 1.0);
        }
        // brightness is linear in the input: a random-weight CNN still exposes it far above chance
        double bestBright = java.util.Arrays.stream(r.concept("bright").acc()).max().orElseThrow();
        assertThat(bestBright).isGreaterThan(0.8);

        List<Path> files = ProbeFiles.writeAll(r, dir, true);
        assertThat(files).contains(dir.resolve("probe.json"), dir.resolve("features-shirt-vs-tshirt.npz"));
        String json = Files.readString(dir.resolve("probe.json"));
        assertThat(json).contains("\"name\" : \"footwear\"", "\"acc\"", "\"f1\"", "\"auc\"", "\"depth\"", "\"threshold\"",
                "\"jump\"", "\"converge\"", "\"selectivity\"", "\"points\"", "\"accStd\"", "\"splitAcc\"",
                "\"splitDepths\"", "\"redundantPoints\"", "\"relativeDepthRule\"");
        // the default is several splits; acc is their mean, every split's curve is kept
        ConceptProbeResult fw = r.concept("footwear");
        assertThat(fw.splitAcc()).hasNumberOfRows(ProbeParameters.DEFAULT_SPLITS);
        assertThat(fw.splitDepths()).hasSize(ProbeParameters.DEFAULT_SPLITS);
        for (int k = 0; k < fw.points().size(); k++) {
            int point = k;
            assertThat(fw.acc()[k]).isCloseTo(java.util.Arrays.stream(fw.splitAcc()).mapToDouble(a -> a[point]).average()
                    .orElseThrow(), within(1e-12));
            assertThat(fw.accMin()[k]).isLessThanOrEqualTo(fw.acc()[k]);
            assertThat(fw.accMax()[k]).isGreaterThanOrEqualTo(fw.acc()[k]);
        }
        ProbeResult back = ProbeFiles.read(dir.resolve("probe.json"));
        assertThat(back.concept("footwear").acc()).isEqualTo(r.concept("footwear").acc());
        assertThat(back.concept("footwear").splitAcc()).isEqualTo(r.concept("footwear").splitAcc());
        assertThat(back.concept("footwear").splitLayers("threshold")).isEqualTo(r.concept("footwear").splitLayers("threshold"));
        try (NDManager nd = NDManager.newBaseManager(ai.djl.Device.cpu());
             InputStream in = Files.newInputStream(dir.resolve("features-footwear.npz"))) {
            NDList list = NDList.decode(nd, in);
            List<String> names = list.stream().map(NDArray::getName).toList();
            assertThat(names).containsAll(r.points()).contains("labels", "trainIndex", "testIndex");
            assertThat(list.get(r.points().get(0)).getShape().get(0)).isEqualTo(120);
            assertThat(list.get("testIndex").size()).isEqualTo(48);
            assertThat(list.get("testMask").getShape().getShape()).containsExactly(ProbeParameters.DEFAULT_SPLITS, 120);
            assertThat(list.get("testMask").sum().toType(ai.djl.ndarray.types.DataType.INT32, false).getInt())
                    .isEqualTo(48 * ProbeParameters.DEFAULT_SPLITS);
        }
    }

    @Test
    void modelAndDataWithDifferentInputsAreRefused() {
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, IMAGE);
        try (ProbeableModel mlp = ModelLoader.open("sample:tiny-mlp", ModelRuntime.DeviceChoice.CPU)) {
            assertThatThrownBy(() -> ConceptDepthAnalysis.run(mlp, set, ProbeParameters.defaults().withMaxSamples(40),
                    ProgressSink.none()))
                    .hasMessageContaining("model 'tiny-mlp' takes inputs [12]")
                    .hasMessageContaining("has samples [1, 28, 28]");
        }
    }

    @Test
    void logitLensEndsAtTheFinalDistribution() {
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, IMAGE);
        try (ProbeableModel vit = ModelLoader.open("sample:tiny-vit", ModelRuntime.DeviceChoice.CPU)) {
            assertThat(LogitLens.decodePoint(vit.manifest())).isEqualTo("blocks.1");
            LogitLensResult lens = LogitLens.run(vit, set.dataset(), IntStream.range(0, 40).toArray(),
                    FeatureExtractor.Options.defaults(), ProgressSink.none());
            assertThat(lens.points()).containsExactly("embed", "blocks.0", "blocks.1");
            int last = lens.points().size() - 1;
            assertThat(lens.kl()[last]).isCloseTo(0.0, within(1e-5));
            assertThat(lens.top1Agreement()[last]).isEqualTo(1.0);
            assertThat(lens.top5Overlap()[last]).isEqualTo(1.0);
            assertThat(lens.kl()[0]).isGreaterThan(lens.kl()[last]);
        }
        try (ProbeableModel cnn = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU)) {
            assertThat(LogitLens.supports(cnn.manifest())).isFalse();
            assertThatThrownBy(() -> LogitLens.decodePoint(cnn.manifest())).hasMessageContaining("final norm");
        }
    }

    @Test
    void noiseAndReducedPrecisionChangeFeaturesAsExpected() {
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, IMAGE);
        int[] items = IntStream.range(0, 32).toArray();
        try (ProbeableModel vit = ModelLoader.open("sample:tiny-vit", ModelRuntime.DeviceChoice.CPU)) {
            List<String> pts = FeatureExtractor.resolvePoints(vit.manifest(), "layers");
            LayerFeatures clean = FeatureExtractor.extract(vit, set.dataset(), items, pts,
                    FeatureExtractor.Options.defaults(), ProgressSink.none());
            LayerFeatures fp16 = FeatureExtractor.extract(vit, set.dataset(), items, pts,
                    new FeatureExtractor.Options(TokenPooling.CLS, 0, Precision.FP16, 42), ProgressSink.none());
            LayerFeatures bf16 = FeatureExtractor.extract(vit, set.dataset(), items, pts,
                    new FeatureExtractor.Options(TokenPooling.CLS, 0, Precision.BF16, 42), ProgressSink.none());
            LayerFeatures noisy = FeatureExtractor.extract(vit, set.dataset(), items, pts,
                    new FeatureExtractor.Options(TokenPooling.CLS, 0.5, Precision.FP32, 42), ProgressSink.none());
            int last = pts.size() - 1;
            double e16 = relativeError(fp16.values().get(last), clean.values().get(last));
            double eb16 = relativeError(bf16.values().get(last), clean.values().get(last));
            double eNoise = relativeError(noisy.values().get(last), clean.values().get(last));
            // fp16 keeps 11 significant bits, bf16 8: both small, bf16 larger
            assertThat(e16).isGreaterThan(0).isLessThan(5e-3);
            assertThat(eb16).isGreaterThan(e16).isLessThan(5e-2);
            assertThat(eNoise).isGreaterThan(eb16);
        }
    }

    private static double relativeError(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += b[i] * (double) b[i];
        }
        return Math.sqrt(num / den);
    }

    private static void assertClose(float[] got, float[] want) {
        assertThat(got).hasSameSizeAs(want);
        double scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < got.length; i++) {
            assertThat((double) got[i]).as("value %d", i).isCloseTo(want[i], within(1e-4 * scale + 1e-6));
        }
    }
}
