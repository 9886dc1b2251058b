package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lamina.analysis.chmcorr.FeatureGrid;
import org.lamina.analysis.chmcorr.SpatialFeatures;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.Fixtures;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * CRAFT and CHM-Corr on the bundled fashion-vit (7 × 7 patches + class token, D = 64): the patch
 * tokens are the feature map (issue #21 §3). The crop activations are checked against the fixture
 * script's (tools/fixtures/craft_decompositions_fixture.py, torch on the same .pt).
 */
class CraftVitTest {

    private static ProbeableModel model;
    private static Dataset train;

    @BeforeAll
    static void open() {
        model = ModelLoader.open("sample:fashion-vit", ModelRuntime.DeviceChoice.CPU);
        train = SampleData.open("sample:fashion-train", model.manifest().input().shape());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static CraftParameters small() {
        return CraftParameters.defaults(0).withImages(4).withRank(3).withPatch(10).withDesigns(4).withFidelity(false);
    }

    @Test
    void signedTokensWithoutADecompositionAreRefusedNamingTheOnesThatWork() {
        assertThat(CraftAnalysis.defaultLayer(model.manifest())).isEqualTo("norm");
        assertThatThrownBy(() -> CraftAnalysis.run(model, train, small(), ProgressSink.none()))
                .isInstanceOf(ModelException.class).hasMessageContaining("cut point 'norm' are negative")
                .hasMessageContaining("--decomposition (semi-nmf, pca, kmeans, sparse");
        assertThatThrownBy(() -> CraftAnalysis.run(model, train, small().withDecomposition(Decomposition.NMF),
                ProgressSink.none())).hasMessageContaining("NMF needs g(x) ≥ 0");
        assertThat(CraftAnalysis.cutPoints(model.manifest())).contains("embed", "blocks.0", "norm")
                .doesNotContain("blocks.0.attn.probs", "blocks.0.mlp.act");
    }

    @Test
    void cropRowsAreTheMeanPatchTokensOfTheReferencePipeline() {
        CraftResult r = CraftAnalysis.run(model, train, small().withDecomposition(Decomposition.SEMI_NMF),
                ProgressSink.none());
        assertThat(r.decomposition()).isEqualTo("semi-nmf");
        assertThat(r.parameters().decomposition()).isEqualTo(Decomposition.SEMI_NMF);
        assertThat(r.parameters().toMap()).containsEntry("decomposition", "semi-nmf");
        assertThat(new int[] {r.mapRows(), r.mapCols()}).containsExactly(7, 7);
        assertThat(r.coefficientMaps()[0]).hasSize(49 * 3);
        assertThat(r.u().min()).isGreaterThanOrEqualTo(0f);
        try (NDManager m = NDManager.newBaseManager()) {
            RowMajorMatrix ref = RowMajorMatrix.of(Fixtures.npz(m, Path.of("src/test/resources/craft/decompositions-reference.npz"))
                    .get("vitA"));
            // The fixture's first 4 images are these 4 images; 9 crops each.
            for (int i = 0; i < r.a().rows(); i++) {
                for (int k = 0; k < r.a().cols(); k++) {
                    assertThat(r.a().get(i, k)).isCloseTo(ref.get(i, k), within(2e-4f));
                }
            }
        }
        assertThat(java.util.Arrays.stream(r.importance()).allMatch(v -> v >= 0 && Double.isFinite(v))).isTrue();
    }

    /** With W = identity and u = g(x) (every token, class token first), h must give the model's own logit. */
    @Test
    void tokenHeadRebuildsTheWholeTokenTensor() {
        ModelManifest mf = model.manifest();
        try (NDManager m = NDManager.newBaseManager()) {
            int c = 64;
            float[] eye = new float[c * c];
            for (int i = 0; i < c; i++) {
                eye[i * c + i] = 1;
            }
            float[] x = CraftAnalysis.normalised(train, 0, mf);
            float[] u = CraftAnalysis.imageMaps(model, m, mf.probePoint("blocks.3"), null, x, 1, mf.input().shape())
                    .positionMajor();
            assertThat(u).hasSize(50 * c);
            ConceptHead head = new ConceptHead(model, "blocks.3", new long[] {50, 64}, true, new RowMajorMatrix(c, c, eye),
                    null, 2, 7, null);
            float[] ones = new float[c];
            java.util.Arrays.fill(ones, 1);
            double y = head.evaluate(m, u, ones, 1)[0];
            NDArray logits = model.run(m, RunRequest.fromInput(m.create(x, new Shape(1, 1, 28, 28))).build()).logits();
            assertThat(y).isCloseTo(logits.getFloat(0, 2), within(1e-4));
            // An offset shifts every token: with u = g(x) − μ and offset μ the logit is the same.
            float[] mu = new float[c];
            float[] shifted = u.clone();
            for (int k = 0; k < c; k++) {
                mu[k] = 0.25f * (k % 5);
            }
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] -= mu[i % c];
            }
            ConceptHead withOffset = new ConceptHead(model, "blocks.3", new long[] {50, 64}, true,
                    new RowMajorMatrix(c, c, eye), mu, 2, 7, null);
            assertThat(withOffset.evaluate(m, shifted, ones, 1)[0]).isCloseTo(y, within(1e-4));
        }
    }

    @Test
    void chmcorrReadsTheLastBlocksPatchTokensOnTheGrid() {
        SpatialFeatures f = new SpatialFeatures(model, null);
        assertThat(f.point().name()).isEqualTo("blocks.5");
        assertThat(f.grid()).isEqualTo(7);
        assertThat(f.channels()).isEqualTo(64);
        FeatureGrid[] grids = f.ofItems(train, new int[] {3, 0});
        ModelManifest mf = model.manifest();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = CraftAnalysis.normalised(train, 3, mf);
            try (Trace t = model.run(m, RunRequest.fromInput(m.create(x, new Shape(1, 1, 28, 28))).capture("blocks.5").build())) {
                float[] tokens = t.activation("blocks.5").toFloatArray(); // [50, 64], CLS first
                float[] pooled = grids[0].pooled();
                for (int k = 0; k < 64; k++) {
                    double mean = 0;
                    for (int p = 1; p < 50; p++) {
                        mean += tokens[p * 64 + k] / 49.0;
                    }
                    assertThat((double) pooled[k]).isCloseTo(mean, within(1e-4));
                }
                // Cell 0 is patch (0, 0), token 1: its cosine with itself in the other copy of image 3 is 1.
                assertThat(grids[0].cosineMatrix(f.ofItems(train, new int[] {3})[0])[0][0]).isCloseTo(1, within(1e-6));
            }
        }
        assertThatThrownBy(() -> new SpatialFeatures(model, "blocks.5.attn.probs")).isInstanceOf(ModelException.class)
                .hasMessageContaining("usable points: [embed, blocks.0");
    }
}
