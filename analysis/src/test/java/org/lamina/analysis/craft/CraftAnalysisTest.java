package org.lamina.analysis.craft;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.Fixtures;
import org.lamina.analysis.model.ManifestReader;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The CRAFT pipeline end to end on the tiny CNN fixture, its consistency checks and its bad-input errors. */
class CraftAnalysisTest {

    private static ProbeableModel model;
    private static Dataset data;
    private static CraftResult result;

    @BeforeAll
    static void run() {
        model = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU);
        data = SampleData.open("sample:fashion-test", new long[] {1, 28, 28});
        CraftParameters p = CraftParameters.defaults(0).withData("sample:fashion-test").withImages(4).withRank(3)
                .withPatch(12).withDesigns(8);
        result = CraftAnalysis.run(model, data, p, ProgressSink.none());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void runsEndToEndOnTheDefaultSpatialPostReluPoint() {
        assertThat(result.layer()).isEqualTo("relu2");
        assertThat(result.crops().cropsPerImage()).isEqualTo(4); // P = 12, stride 9 → 2 × 2
        assertThat(result.a().rows()).isEqualTo(16);
        assertThat(result.a().cols()).isEqualTo(16);
        assertThat(result.importance()).hasSize(3);
        assertThat(java.util.Arrays.stream(result.importance()).min().getAsDouble()).isGreaterThanOrEqualTo(0);
        assertThat(result.reconstructionError()).isBetween(0.0, 1.0);
        assertThat(result.fidelity()).containsOnlyKeys("sobol", "gradient-input", "occlusion", "random");
        for (FidelityCurve c : result.fidelity().values()) {
            assertThat(c.deletion()).hasSize(4);
            // Deleting nothing and inserting everything are the same all-ones mask.
            assertThat(c.deletion()[0]).isCloseTo(c.insertion()[3], within(1e-4));
            assertThat(c.deletionAuc()).isCloseTo(FidelityCurve.auc(c.deletion()), within(1e-12));
        }
        assertThat(result.coefficientMaps()).hasNumberOfRows(4);
        assertThat(result.coefficientMaps()[0]).hasSize(14 * 14 * 3);
        assertThat(result.concepts()).hasSize(3);
        assertThat(result.concepts().get(0).topCrops()).hasSize(10);
    }

    @Test
    void cropActivationsAreTheSpatialMeanOfGOnEachResizedCrop() {
        // Row 5 of A = image 1, crop 1 (top row, second column): recompute it independently.
        try (NDManager m = NDManager.newBaseManager()) {
            ModelManifest mf = model.manifest();
            float[] img = CraftAnalysis.normalised(data, result.imageIndices()[1], mf);
            float[] crop = new float[28 * 28];
            result.crops().extractResized(img, 1, 1, crop, 0);
            Trace t = model.run(m, RunRequest.fromInput(m.create(crop, new Shape(1, 1, 28, 28))).capture("relu2").build());
            float[] expected = t.activation("relu2").reshape(1, 16, 196).mean(new int[] {2}).toFloatArray();
            assertThat(result.a().row(5)).containsExactly(expected, within(1e-5f));
        }
    }

    @Test
    void headFromTheCutPointEqualsTheFullModel() {
        // With W = identity and u = g(x) itself, h((u ⊙ 1)·W) must be the model's own logit.
        try (NDManager m = NDManager.newBaseManager()) {
            ModelManifest mf = model.manifest();
            int c = 16;
            float[] eye = new float[c * c];
            for (int i = 0; i < c; i++) {
                eye[i * c + i] = 1;
            }
            float[] x = CraftAnalysis.normalised(data, result.imageIndices()[0], mf);
            float[] u = CraftAnalysis.imageMaps(model, m, mf.probePoint("relu2"), null, x, 1, mf.input().shape()).positionMajor();
            ConceptHead head = new ConceptHead(model, "relu2", new long[] {16, 14, 14}, new RowMajorMatrix(c, c, eye), 2, 7);
            float[] ones = new float[c];
            java.util.Arrays.fill(ones, 1);
            double y = head.evaluate(m, u, ones, 1)[0];
            NDArray logits = model.run(m, RunRequest.fromInput(m.create(x, new Shape(1, 1, 28, 28))).build()).logits();
            assertThat(y).isCloseTo(logits.getFloat(0, 2), within(1e-4));
        }
    }

    @Test
    void hStartsAfterThePoolWhereTheNextPointIsTheSpatialMean() {
        // tiny-cnn: relu2 [16, 14, 14] → gap [16, 1, 1] (adaptive average pool).
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> h = (java.util.Map<String, Object>) result.provenance().get("h");
        assertThat(h.get("startsAt")).isEqualTo("gap");
        assertThat((double) h.get("poolRelativeDeviation")).isLessThan(CraftAnalysis.POOL_TOLERANCE);
        ModelManifest mf = model.manifest();
        assertThat(CraftAnalysis.poolCandidate(mf, mf.probePoint("relu2")).name()).isEqualTo("gap");
        // relu1 is followed by a max-pool to another map, not a vector: no candidate.
        assertThat(CraftAnalysis.poolCandidate(mf, mf.probePoint("relu1"))).isNull();
    }

    @Test
    void pooledHeadGivesTheFullHeadsLogitsForEveryMask() {
        // The shortcut is exact: mean_p((u_p ⊙ m)·W) = (mean_p u_p ⊙ m)·W. Compare the two heads
        // on Sobol masks and on one-concept-off masks for several images and classes.
        try (NDManager m = NDManager.newBaseManager()) {
            ModelManifest mf = model.manifest();
            SobolMasks sobol = SobolMasks.of(3, 8).withoutB();
            float[] masks = sobol.flat();
            int count = sobol.rows().length;
            for (int cls : new int[] {0, 7}) {
                ConceptHead full = new ConceptHead(model, "relu2", new long[] {16, 14, 14}, result.w(), cls, 5);
                ConceptHead pooled = new ConceptHead(model, "relu2", new long[] {16, 14, 14}, result.w(), cls, 5,
                        mf.probePoint("gap"));
                double[][] viaPool = pooled.evaluateImages(m, result.coefficientMaps(), masks, count, () -> { });
                for (int i = 0; i < result.coefficientMaps().length; i++) {
                    double[] expected = full.evaluate(m, result.coefficientMaps()[i], masks, count);
                    assertThat(pooled.evaluate(m, result.coefficientMaps()[i], masks, count))
                            .containsExactly(viaPool[i], within(1e-9));
                    for (int row = 0; row < count; row++) {
                        assertThat(viaPool[i][row]).isCloseTo(expected[row], within(1e-4 + 1e-5 * Math.abs(expected[row])));
                    }
                }
            }
        }
    }

    @Test
    void poolDeviationTellsAMeanFromAMax() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray act = m.randomUniform(0, 1, new Shape(3, 4, 9));
            assertThat(CraftAnalysis.poolDeviation(act, act.mean(new int[] {2}))).isLessThan(1e-6);
            assertThat(CraftAnalysis.poolDeviation(act, act.max(new int[] {2}))).isGreaterThan(0.1);
        }
    }

    @Test
    void gradientInputEqualsOcclusionForALinearHead() {
        // tiny-cnn after relu2 is mean-pool + linear: h is linear in the masks, so the mask
        // gradient at 1 equals the occlusion difference for every concept.
        try (NDManager m = NDManager.newBaseManager()) {
            ConceptHead head = new ConceptHead(model, "relu2", new long[] {16, 14, 14}, result.w(), 0, 64);
            float[] u = result.coefficientMaps()[2];
            float[] g = head.coefficientGradients(m, new float[][] {u})[0];
            float[] masks = {1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0};
            double[] y = head.evaluate(m, u, masks, 4);
            for (int c = 0; c < 3; c++) {
                double grad = 0;
                for (int p = 0; p < 14 * 14; p++) {
                    grad += g[p * 3 + c] * u[p * 3 + c];
                }
                assertThat(grad).isCloseTo(y[0] - y[1 + c], within(1e-3 + 1e-3 * Math.abs(grad)));
            }
        }
    }

    @Test
    void sameSeedSameResult() {
        CraftParameters p = result.parameters();
        CraftResult again = CraftAnalysis.run(model, data, p, ProgressSink.none());
        assertThat(again.importance()).containsExactly(result.importance());
        assertThat(again.w().values()).containsExactly(result.w().values());
    }

    @Test
    void badInputGetsClearErrors() {
        CraftParameters p = result.parameters();
        assertThatThrownBy(() -> CraftAnalysis.run(model, data, p.withPatch(30), ProgressSink.none()))
                .hasMessageContaining("--patch 30 is larger than the 28×28 images");
        assertThatThrownBy(() -> CraftAnalysis.run(model, data, p.withRank(17), ProgressSink.none()))
                .hasMessageContaining("--rank 17 is more than the 16 crops");
        assertThatThrownBy(() -> p.withRank(0)).hasMessageContaining("--rank must be at least 1");
        assertThatThrownBy(() -> CraftAnalysis.run(model, data, p.withLayer("conv2"), ProgressSink.none()))
                .hasMessageContaining("cut point 'conv2' are negative (min -");
        Dataset onlyZeros = relabelled(data, 0);
        assertThatThrownBy(() -> CraftAnalysis.run(model, onlyZeros, p.withClass(4), ProgressSink.none()))
                .hasMessageContaining("has no images of class 4 (Coat)");
        ModelManifest vit = ManifestReader.read(Fixtures.dir("fashion-vit"));
        assertThatThrownBy(() -> CraftAnalysis.cutPoint(vit, "blocks.0.mlp.act"))
                .hasMessageContaining("runs cannot start from probe point 'blocks.0.mlp.act'");
        assertThatThrownBy(() -> CraftAnalysis.run(nonSquare(model.manifest()), data, p.withLayer("relu2"), ProgressSink.none()))
                .hasMessageContaining("non-square 28×20 images");
    }

    private static Dataset relabelled(Dataset d, int label) {
        return new Dataset() {
            public String name() { return "relabelled"; }
            public int size() { return 20; }
            public long[] sampleShape() { return d.sampleShape(); }
            public int label(int i) { return label; }
            public List<String> classNames() { return d.classNames(); }
            public float[] sample(int i) { return d.sample(i); }
        };
    }

    private static ProbeableModel nonSquare(ModelManifest m) {
        ModelManifest mf = new ModelManifest(m.directory(), m.name(), m.description(), m.format(), m.file(), m.architecture(),
                new ModelManifest.InputSpec(new long[] {1, 28, 20}, m.input().mean(), m.input().std()), m.labels(),
                m.probePoints(), m.patchGrid(), m.network(), m.training());
        return new ProbeableModel() {
            public ModelManifest manifest() { return mf; }
            public Device device() { return Device.cpu(); }
            public Trace run(NDManager resultManager, RunRequest request) { throw new AssertionError("must not run"); }
            public String weightsSha256() { return "0"; }
            public long parameterCount() { return 0; }
            public void close() { }
        };
    }
}
