package org.lamina.analysis.neuronpath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import org.junit.jupiter.api.Test;

import java.io.InputStream;

/**
 * JAS search, path score, baselines and manipulation against an independent eager-PyTorch
 * implementation of NeuronPath's reference loop (tools/fixtures/neuronpath_fixture.py →
 * neuronpath/reference.json).
 */
class PathSearchReferenceTest {

    private static JsonNode cases() throws Exception {
        try (InputStream in = PathSearchReferenceTest.class.getResourceAsStream("/neuronpath/reference.json")) {
            return new ObjectMapper().readTree(in).get("cases");
        }
    }

    @Test
    void matchesTheReferenceLoop() throws Exception {
        Dataset data = SampleData.open("sample:fashion-test", new long[] {1, 28, 28});
        for (JsonNode c : cases()) {
            try (ProbeableModel model = ModelLoader.open(c.get("model").asText(), ModelRuntime.DeviceChoice.CPU);
                 NDManager mgr = NDManager.newBaseManager(model.device())) {
                int index = c.get("index").asInt();
                int target = c.get("target").asInt();
                assertThat(data.label(index)).isEqualTo(target);
                var in = model.manifest().input();
                NDArray x = data.batch(mgr, index, index + 1, in.mean(), in.std());
                FfnNeurons ffn = FfnNeurons.of(model.manifest(), TokenMode.CLS);
                PathSearch search = new PathSearch(model, ffn, c.get("steps").asInt());
                CleanPass clean = search.clean(mgr, x, new int[] {target});
                String what = c.get("model").asText() + " image " + index;
                assertThat(clean.baseProb()[0]).as(what).isCloseTo((float) c.get("baseProb").asDouble(), within(1e-4f));

                int k = c.get("topK").asInt();
                int[][][] jas = search.searchJas(mgr, x, clean, k, null);
                assertThat(jas[0]).as(what + " JAS path").isDeepEqualTo(ints(c.get("jasPath")));
                double score = search.score(mgr, x, clean, jas, null)[0];
                assertThat(score).as(what + " JAS(P)").isCloseTo(c.get("jasScore").asDouble(), within(1e-4 * Math.abs(c.get("jasScore").asDouble()) + 1e-7));

                // baselines and manipulation on the tiny fixture only (keeps the test fast); the
                // 6-block fashion-vit case checks the search and the path score
                if (k == 1 && c.get("model").asText().contains("tiny")) {
                    int[][][] act = search.activationPaths(clean, 1);
                    assertThat(act[0]).as(what + " activation path").isDeepEqualTo(ints(c.get("activationPath")));
                    assertThat(search.score(mgr, x, clean, act, null)[0]).isCloseTo(c.get("activationScore").asDouble(),
                            within(1e-4 * Math.abs(c.get("activationScore").asDouble()) + 1e-7));
                    int[][][] ig = search.igPaths(mgr, x, clean, 1);
                    assertThat(ig[0]).as(what + " IG path").isDeepEqualTo(ints(c.get("igPath")));
                    int[][][] inf = search.influencePaths(mgr, x, clean, 1);
                    assertThat(inf[0]).as(what + " influence path").isDeepEqualTo(ints(c.get("influencePath")));
                    assertThat(search.score(mgr, x, clean, inf, null)[0]).isCloseTo(c.get("influenceScore").asDouble(),
                            within(1e-4 * Math.abs(c.get("influenceScore").asDouble()) + 1e-7));
                    PathManipulation manip = new PathManipulation(model, ffn);
                    int[] t = {target};
                    assertThat(manip.apply(mgr, x, t, jas, PathManipulation.Edit.REMOVE).prob()[0]).as(what + " remove")
                            .isCloseTo((float) c.get("removeProb").asDouble(), within(1e-4f));
                    assertThat(manip.apply(mgr, x, t, jas, PathManipulation.Edit.ENHANCE).prob()[0]).as(what + " enhance")
                            .isCloseTo((float) c.get("enhanceProb").asDouble(), within(1e-4f));
                }
            }
        }
    }

    static int[][] ints(JsonNode path) {
        int[][] out = new int[path.size()][];
        for (int b = 0; b < out.length; b++) {
            out[b] = new int[path.get(b).size()];
            for (int q = 0; q < out[b].length; q++) {
                out[b][q] = path.get(b).get(q).asInt();
            }
        }
        return out;
    }
}
