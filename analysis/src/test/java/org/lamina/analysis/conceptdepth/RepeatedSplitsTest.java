package org.lamina.analysis.conceptdepth;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Repeated and reference train/test splits, and duplicate/constant probe points (issue #22,
 * "Concept depth"). Golden values: {@code tools/fixtures/conceptdepth_splits_fixture.py} (numpy
 * 1.24, scikit-learn 1.2, torch 1.13), run from the repository root as
 * {@code /usr/bin/python3 tools/fixtures/conceptdepth_splits_fixture.py}; it wrote
 * {@code conceptdepth/splits-fixture.json} and {@code .npz}: NumPy's
 * {@code RandomState(seed).permutation(n)}, scikit-learn's {@code train_test_split} test rows, and
 * fashion-cnn features of the shirt-vs-T-shirt images among the first 600 fashion-test images
 * with sklearn's probe accuracy on 5 reference splits (seeds 42…46).
 */
class RepeatedSplitsTest {

    private static final long[] IMAGE = {1, 28, 28};
    private static final List<String> POINTS = List.of("stage1", "stage2", "stage3", "gap", "fc");

    private static JsonNode golden;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = RepeatedSplitsTest.class.getResourceAsStream("/conceptdepth/splits-fixture.json")) {
            golden = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void referencePermutationIsNumpysRandomStatePermutation() {
        golden.get("permutations").fields().forEachRemaining(e -> {
            String[] key = e.getKey().split("_");
            int[] want = ints(e.getValue());
            assertThat(NumpyLegacyPermutation.permutation(Long.parseLong(key[0]), Integer.parseInt(key[1])))
                    .as("RandomState(%s).permutation(%s)", key[0], key[1]).containsExactly(want);
        });
        assertThatThrownBy(() -> NumpyLegacyPermutation.permutation(1L << 32, 3)).hasMessageContaining("4294967295");
    }

    @Test
    void referenceSplitIsScikitLearnsTrainTestSplit() {
        golden.get("trainTestSplit").fields().forEachRemaining(e -> {
            String[] key = e.getKey().split("_");
            int n = Integer.parseInt(key[1]);
            int[] labels = new int[n];
            TrainTestSplit s = TrainTestSplit.of(labels, 0.4, Long.parseLong(key[0]), false, SplitMode.REFERENCE);
            assertThat(s.test()).as("test rows, seed %s, n %s", key[0], n).containsExactly(ints(e.getValue()));
            assertThat(s.train()).hasSize(n - s.test().length);
            assertThat(IntStream.concat(IntStream.of(s.train()), IntStream.of(s.test())).sorted().toArray())
                    .containsExactly(IntStream.range(0, n).toArray());
        });
        assertThatThrownBy(() -> new ProbeParameters("layers", TokenPooling.CLS, 0.4, 42, true, false, 1.0, 100, 1e-4,
                0.95, 0.01, 0, Precision.FP32, 0, ProbeSolver.NEWTON, 1, SplitMode.REFERENCE))
                .hasMessageContaining("not stratified");
        assertThatThrownBy(() -> ProbeParameters.defaults().withSplits(3, SplitMode.REFERENCE).withSeed(4294967294L))
                .hasMessageContaining("4294967295");
        assertThatThrownBy(() -> ProbeParameters.defaults().withSplits(0, SplitMode.SEEDED)).hasMessageContaining("--splits");
    }

    @Test
    void fiveReferenceSplitsOnFashionCnnMatchScikitLearn() throws Exception {
        ProbeResult r = probeFixture(ProbeParameters.defaults().withSplits(5, SplitMode.REFERENCE));
        ConceptProbeResult c = r.concepts().get(0);
        assertThat(c.testSize()).isEqualTo((int) Math.ceil(0.4 * golden.get("items").asInt()));
        JsonNode split = golden.get("splitAcc");
        assertThat(c.splitAcc()).hasDimensions(5, 5);
        for (int s = 0; s < 5; s++) {
            for (int k = 0; k < 5; k++) {
                assertThat(c.splitAcc()[s][k]).as("split %d, %s", s, POINTS.get(k))
                        .isCloseTo(split.get(s).get(k).asDouble(), within(1e-12));
            }
        }
        for (int k = 0; k < 5; k++) {
            assertThat(c.acc()[k]).isCloseTo(golden.get("meanAcc").get(k).asDouble(), within(1e-12));
            assertThat(c.accStd()[k]).isCloseTo(golden.get("stdAcc").get(k).asDouble(), within(1e-12));
            assertThat(c.accMin()[k]).isCloseTo(golden.get("minAcc").get(k).asDouble(), within(1e-12));
            assertThat(c.accMax()[k]).isCloseTo(golden.get("maxAcc").get(k).asDouble(), within(1e-12));
        }
        assertThat(c.splitLayers("threshold")).containsExactly(ints(golden.get("splitThreshold")));
        assertThat(c.splitLayers("jump")).containsExactly(ints(golden.get("splitJump")));
        assertThat(c.splitLayers("converge")).containsExactly(ints(golden.get("splitConverge")));
        int[] median = ints(golden.get("medianDepth"));
        assertThat(new int[] {c.depth().threshold().layer(), c.depth().jump().layer(), c.depth().converge().layer()})
                .containsExactly(median);
        // the depth moves with the split: the fixture's five splits do not agree on one layer
        assertThat(IntStream.of(c.splitLayers("threshold")).distinct().count()).isGreaterThan(1);

        // split 1 of K is the reference's own split (seed 42), whatever K
        ConceptProbeResult one = probeFixture(ProbeParameters.defaults().withSplits(1, SplitMode.REFERENCE)).concepts().get(0);
        assertThat(one.acc()).containsExactly(c.splitAcc()[0], within(1e-15));
        assertThat(one.accStd()).containsOnly(0.0);
    }

    @Test
    void identicalPointsAreLeftOutOfTheRelativeDepth() throws Exception {
        assertThat(golden.get("stage3PooledEqualsGap").asBoolean()).isTrue();
        ProbeResult r = probeFixture(ProbeParameters.defaults().withSplits(2, SplitMode.REFERENCE));
        assertThat(r.redundantPoints().duplicateOf()).containsExactly(java.util.Map.entry("gap", "stage3"));
        assertThat(r.redundantPoints().constant()).isEmpty();
        // L' = 4 distinct points; gap takes stage3's relative depth
        assertThat(r.redundantPoints().relativeDepth()).containsExactly(new double[] {0.25, 0.5, 0.75, 0.75, 1.0},
                within(1e-15));
        ConceptDepth d = r.concepts().get(0).depth();
        assertThat(d.threshold().relative()).isEqualTo(r.relativeDepth(d.threshold().layer()));
        assertThat(r.redundantPoints().notes()).singleElement().asString().contains("gap", "stage3");
        assertThat(ProbeFiles.csv(r)).contains(",gap,3,0.750000,");
    }

    @Test
    void accuracyByLayerShadesPlusMinusOneStdAndOldFilesStillDraw() throws Exception {
        ProbeResult r = probeFixture(ProbeParameters.defaults().withSplits(5, SplitMode.REFERENCE));
        ConceptProbeResult c = r.concepts().get(0);
        org.jfree.chart.plot.XYPlot plot = ConceptDepthFigures.accuracyByLayer(r).chart().getXYPlot();
        org.jfree.data.xy.YIntervalSeriesCollection band = (org.jfree.data.xy.YIntervalSeriesCollection) plot.getDataset(2);
        assertThat(plot.getRenderer(2)).isInstanceOf(org.jfree.chart.renderer.xy.DeviationRenderer.class);
        for (int k = 0; k < POINTS.size(); k++) {
            assertThat(band.getStartYValue(0, k)).isCloseTo(c.acc()[k] - c.accStd()[k], within(1e-12));
            assertThat(band.getEndYValue(0, k)).isCloseTo(c.acc()[k] + c.accStd()[k], within(1e-12));
        }
        assertThat(ConceptDepthFigures.accuracyByLayer(r).data().columns()).contains("acc_std", "acc_min", "acc_max");
        ProbeResult single = probeFixture(ProbeParameters.defaults().withSplits(1, SplitMode.REFERENCE));
        assertThat(ConceptDepthFigures.accuracyByLayer(single).chart().getXYPlot().getDataset(2)).isNull();

        // a probe.json written before repeated splits (no spread, no per-split values) still draws
        com.fasterxml.jackson.databind.node.ObjectNode tree = ProbeFiles.mapper().valueToTree(r);
        tree.remove("redundantPoints");
        for (JsonNode concept : tree.get("concepts")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) concept).remove(List.of("accStd", "accMin", "accMax",
                    "splitAcc", "splitDepths"));
        }
        ProbeResult old = ProbeFiles.mapper().treeToValue(tree, ProbeResult.class);
        assertThat(old.concepts().get(0).splitAcc()).isNull();
        assertThat(ConceptDepthFigures.figures(old, List.of(r), List.of("new"))).hasSize(4);
        assertThat(old.relativeDepth(3)).isEqualTo(0.8);
        assertThat(ProbeFiles.csv(old)).contains(",gap,3,0.800000,");
    }

    @Test
    void theJumpSkipsADuplicatePoint() {
        double[] falling = new double[5];
        for (int k = 0; k < 5; k++) {
            falling[k] = golden.get("fallingCurve").get(k).asDouble();
        }
        boolean[] gapIsDuplicate = {false, false, false, true, false};
        ConceptDepth with = ConceptDepth.of(falling, POINTS, 0.95, 0.01, null, gapIsDuplicate);
        ConceptDepth without = ConceptDepth.of(falling, POINTS, 0.95, 0.01);
        assertThat(new int[] {with.threshold().layer(), with.jump().layer(), with.converge().layer()})
                .containsExactly(ints(golden.get("fallingCurveDepths")));
        assertThat(new int[] {without.threshold().layer(), without.jump().layer(), without.converge().layer()})
                .containsExactly(ints(golden.get("fallingCurveDepthsWithoutRule")));
    }

    @Test
    void fashionCnnGapDuplicatesStage3AndTinyVitEmbedClsIsConstant() throws Exception {
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, IMAGE);
        int[] items = IntStream.range(0, 48).toArray();
        try (ProbeableModel cnn = ModelLoader.open("sample:fashion-cnn", ModelRuntime.DeviceChoice.CPU)) {
            LayerFeatures f = FeatureExtractor.extract(cnn, set.dataset(), items,
                    FeatureExtractor.resolvePoints(cnn.manifest(), "layers"), FeatureExtractor.Options.defaults(),
                    ProgressSink.none());
            RedundantPoints rp = RedundantPoints.of(f);
            assertThat(rp.duplicateOf()).containsExactly(java.util.Map.entry("gap", "stage3"));
            assertThat(rp.constant()).isEmpty();
        }
        try (ProbeableModel vit = ModelLoader.open("sample:tiny-vit", ModelRuntime.DeviceChoice.CPU)) {
            LayerFeatures f = FeatureExtractor.extract(vit, set.dataset(), items,
                    FeatureExtractor.resolvePoints(vit.manifest(), "layers"), FeatureExtractor.Options.defaults(),
                    ProgressSink.none());
            RedundantPoints rp = RedundantPoints.of(f);
            assertThat(rp.constant()).containsExactly("embed");
            assertThat(rp.duplicateOf()).isEmpty();
            assertThat(rp.relativeDepth()).containsExactly(new double[] {0.25, 0.5, 0.75, 1.0}, within(1e-15));
            // mean-pooled patch tokens do vary at embed
            LayerFeatures mean = FeatureExtractor.extract(vit, set.dataset(), items, List.of("embed"),
                    new FeatureExtractor.Options(TokenPooling.MEAN, 0, Precision.FP32, 42), ProgressSink.none());
            assertThat(RedundantPoints.of(mean).constant()).isEmpty();
        }
    }

    private static ProbeResult probeFixture(ProbeParameters p) throws Exception {
        List<float[]> values = new ArrayList<>();
        int[] dims = new int[POINTS.size()];
        int[] items;
        int[] labels;
        try (InputStream in = RepeatedSplitsTest.class.getResourceAsStream("/conceptdepth/splits-fixture.npz");
             NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDList list = NDList.decode(m, in);
            items = list.get("items").toIntArray();
            labels = list.get("labels").toIntArray();
            for (int k = 0; k < POINTS.size(); k++) {
                values.add(list.get(POINTS.get(k)).toFloatArray());
                dims[k] = (int) list.get(POINTS.get(k)).getShape().get(1);
            }
        }
        LayerFeatures f = new LayerFeatures("fashion-cnn", POINTS, dims, items, values, 0);
        Concept c = new Concept("shirt-vs-tshirt", "Shirt vs T-shirt/top", items, labels);
        ConceptSet set = new ConceptSet("splits-fixture", "splits-fixture.npz",
                ConceptSets.open("sample:fashion-concepts", null, IMAGE).dataset(), List.of(c));
        return ConceptDepthAnalysis.probe(f, set, List.of(c), p, "none", ai.djl.Device.cpu(), ProgressSink.none());
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
