package org.lamina.analysis.neuronpath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.JobCancelledException;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** The whole study on the tiny ViT fixture, its JSON layout, and the bad-input errors. */
class NeuronPathAnalysisTest {

    private static ProbeableModel vit;
    private static Dataset data;

    @BeforeAll
    static void open() {
        vit = ModelLoader.open("sample:tiny-vit", ModelRuntime.DeviceChoice.CPU);
        data = SampleData.open("sample:fashion-test", new long[] {1, 28, 28});
    }

    @AfterAll
    static void close() {
        vit.close();
    }

    private static NeuronPathParameters params(List<String> classes, int images, int steps, int topK) {
        return new NeuronPathParameters("sample:fashion-test", classes, images, steps, topK,
                NeuronPathParameters.ALL_BASELINES, 42, TokenMode.CLS, List.of(0.5, 1.0));
    }

    @Test
    void studyOfTwoClassesHasEveryMethodManipulationAndClassSimilarity() {
        NeuronPathResult r = NeuronPathAnalysis.run(vit, data, params(List.of("Trouser", "Bag"), 3, 4, 1), ProgressSink.none());
        assertThat(r.images()).hasSize(6);
        assertThat(r.images()).allSatisfy(e -> assertThat(data.label(e.index())).isEqualTo(e.label()));
        assertThat(r.methods().keySet()).containsExactly(PathMethod.JAS, PathMethod.ACTIVATION, PathMethod.INFLUENCE,
                PathMethod.IG, PathMethod.RANDOM);
        for (var m : r.methods().values()) {
            assertThat(m.paths()).hasNumberOfRows(6);
            assertThat(m.paths()[0]).hasNumberOfRows(2);
            assertThat(m.jasPerClass()).containsOnlyKeys("Trouser", "Bag");
            assertThat(m.meanJas()).isFinite();
        }
        // the searched path maximises JAS greedily; per image it need not beat every baseline, but on
        // a 2-block model its first block is IG's first block (same run) — a cheap consistency check
        var jas = r.methods().get(PathMethod.JAS);
        var ig = r.methods().get(PathMethod.IG);
        for (int i = 0; i < 6; i++) {
            assertThat(jas.paths()[i][0]).isEqualTo(ig.paths()[i][0]);
        }
        assertThat(r.classStats()).isNotNull();
        assertThat(r.classStats().similarity()[0][0]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
        Map<String, Object> json = r.toJson();
        assertThat(json).containsKeys("jas", "activation", "influence", "ig", "random", "manipulation",
                "classSimilarity", "provenance", "pruning");
        @SuppressWarnings("unchecked")
        Map<String, Object> man = (Map<String, Object>) ((Map<String, Object>) json.get("manipulation")).get("jas");
        assertThat(man).containsKeys("removeProbDev", "enhanceProbDev", "removeAccDev", "enhanceAccDev");
        // removing neurons: probability deviation is p_edit/p_base − 1, so it can't go below −100 %
        assertThat((double) man.get("removeProbDev")).isGreaterThanOrEqualTo(-100.0);
    }

    @Test
    void topKPathsHaveKDistinctNeuronsPerBlockAndOneClassHasNoSimilarity() {
        NeuronPathResult r = NeuronPathAnalysis.run(vit, data, params(List.of("0"), 2, 3, 3), ProgressSink.none());
        for (var m : r.methods().values()) {
            for (int[][] path : m.paths()) {
                for (int[] block : path) {
                    assertThat(block).hasSize(3).doesNotHaveDuplicates();
                }
            }
        }
        assertThat(r.classStats()).isNull();
        assertThat(r.toJson()).doesNotContainKey("classSimilarity");
        // top-K scores sum all K neurons, unlike the reference script: the JSON says they are not comparable
        assertThat(((Map<?, ?>) r.toJson().get("parameters")).get("topKScore").toString())
                .contains("sum of K neurons").contains("not comparable with the paper's top-K figures");
    }

    @Test
    void patchSumModeScoresChannelSumsOverPatchTokens() {
        NeuronPathParameters p = new NeuronPathParameters("sample:fashion-test", List.of("Bag"), 2, 4, 1,
                NeuronPathParameters.ALL_BASELINES, 42, TokenMode.PATCH_SUM, List.of());
        NeuronPathResult r = NeuronPathAnalysis.run(vit, data, p, ProgressSink.none());
        var jas = r.methods().get(PathMethod.JAS);
        var ig = r.methods().get(PathMethod.IG);
        for (int i = 0; i < 2; i++) {
            assertThat(jas.scores()[i]).isFinite();
            // block 0 of the search is the single-neuron IG of block 0 (same run, no earlier path)
            assertThat(jas.paths()[i][0]).isEqualTo(ig.paths()[i][0]);
        }
        // the neuron values are channel sums over the 16 patch tokens, not the CLS row
        float[] cls = NeuronPathAnalysis.run(vit, data, params(List.of("Bag"), 1, 4, 1), ProgressSink.none()).cleanNeurons()[0][0];
        assertThat(java.util.Arrays.equals(r.cleanNeurons()[0][0], cls)).isFalse();
        assertThat(r.toJson().get("parameters").toString()).contains("computed per patch token and summed over tokens");
    }

    @Test
    void badInputGetsClearErrors() {
        assertThatThrownBy(() -> params(List.of(), 1, 1, 1)).hasMessageContaining("--steps must be at least 2");
        assertThatThrownBy(() -> NeuronPathAnalysis.run(vit, data, params(List.of("Bag"), 1, 4, 65), ProgressSink.none()))
                .isInstanceOf(NeuronPathException.class).hasMessageContaining("larger than the FFN width")
                .hasMessageContaining("64");
        assertThatThrownBy(() -> NeuronPathAnalysis.run(vit, data, params(List.of("Sock"), 1, 4, 1), ProgressSink.none()))
                .hasMessageContaining("'Sock' is not a class").hasMessageContaining("Ankle boot");
        try (ProbeableModel cnn = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU)) {
            assertThatThrownBy(() -> NeuronPathAnalysis.run(cnn, data, params(List.of(), 1, 4, 1), ProgressSink.none()))
                    .isInstanceOf(NeuronPathException.class).hasMessageContaining("no FFN activation points")
                    .hasMessageContaining(cnn.manifest().probePoints().get(0).name())
                    .hasMessageContaining("tools/lamina_export.py");
        }
    }

    @Test
    void aViTExportedBeforeTheScaleKeyIsRefusedWithAHint() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(NeuronPathAnalysisTest.class.getResource("/neuronpath/tiny-vit-pre-scale/model.json").toURI()).getParent();
        try (ProbeableModel old = ModelLoader.open(dir.toString(), ModelRuntime.DeviceChoice.CPU)) {
            assertThatThrownBy(() -> NeuronPathAnalysis.run(old, data, params(List.of("Bag"), 1, 4, 1), ProgressSink.none()))
                    .isInstanceOf(NeuronPathException.class).hasMessageContaining("ignores the '*P' scale key")
                    .hasMessageContaining("rewrap_vit.py");
        }
    }

    @Test
    void aClassWithNoImagesIsAnError() {
        Dataset onlyBags = new Dataset() {
            public String name() {
                return "bags-only";
            }

            public int size() {
                return 3;
            }

            public long[] sampleShape() {
                return data.sampleShape();
            }

            public int label(int i) {
                return 8;
            }

            public List<String> classNames() {
                return data.classNames();
            }

            public float[] sample(int i) {
                return data.sample(i);
            }
        };
        assertThatThrownBy(() -> NeuronPathAnalysis.selectImages(onlyBags, vit.manifest().labels(), params(List.of("Coat"), 2, 4, 1)))
                .isInstanceOf(NeuronPathException.class).hasMessageContaining("class 'Coat'")
                .hasMessageContaining("no images in data set 'bags-only'");
    }

    @Test
    void cancellationStopsBetweenChunks() {
        ProgressSink cancelled = new ProgressSink() {
            public void begin(long total) {
            }

            public void advance(long units) {
            }

            public void message(String text) {
            }

            public boolean isCancelled() {
                return true;
            }
        };
        assertThatThrownBy(() -> NeuronPathAnalysis.run(vit, data, params(List.of("Bag"), 1, 4, 1), cancelled))
                .isInstanceOf(JobCancelledException.class);
    }

    @Test
    void parametersSurviveTheSessionMap() throws Exception {
        NeuronPathParameters p = new NeuronPathParameters("sample:fashion-test", List.of("Bag", "3"), 2, 7, 3,
                List.of(PathMethod.RANDOM, PathMethod.IG), 5_000_000_000L, TokenMode.PATCH_SUM, List.of(0.25, 1.0));
        assertThat(NeuronPathParameters.fromMap(p.toMap())).isEqualTo(p);
        // through JSON text, as a session file stores it: seed 42 comes back an Integer, 1.0 a Double
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var type = new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { };
        for (NeuronPathParameters q : List.of(p, NeuronPathParameters.defaults())) {
            Map<String, Object> json = mapper.readValue(mapper.writeValueAsString(q.toMap()), type);
            assertThat(NeuronPathParameters.fromMap(json)).isEqualTo(q);
        }
        Map<String, Object> bad = new java.util.HashMap<>(p.toMap());
        bad.put("steps", "many");
        assertThatThrownBy(() -> NeuronPathParameters.fromMap(bad)).hasMessageContaining("'steps' must be a number");
        bad.put("steps", 2.5);
        assertThatThrownBy(() -> NeuronPathParameters.fromMap(bad)).hasMessageContaining("'steps' must be a whole number");
        bad.remove("steps");
        assertThatThrownBy(() -> NeuronPathParameters.fromMap(bad)).hasMessageContaining("'steps' is missing");
        bad.put("steps", 4);
        bad.put("baselines", List.of("saliency"));
        assertThatThrownBy(() -> NeuronPathParameters.fromMap(bad)).hasMessageContaining("unknown path method 'saliency'");
        bad.put("baselines", List.of());
        bad.put("tokenMode", "all");
        assertThatThrownBy(() -> NeuronPathParameters.fromMap(bad)).hasMessageContaining("'tokenMode'");
    }
}
