package org.lamina.analysis.chmcorr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * CC maps, masks, correspondences, scores, rerank and votes against an independent numpy
 * computation (tools/fixtures/chmcorr_scoring.py) on a small random input.
 */
class ChmcorrScoringFixtureTest {

    static JsonNode fx;
    static FeatureGrid query;
    static FeatureGrid[] exemplars;
    static Shortlist shortlist;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = ChmcorrScoringFixtureTest.class.getResourceAsStream("/chmcorr/scoring-fixture.json")) {
            fx = new ObjectMapper().readTree(in);
        }
        int c = fx.get("channels").asInt();
        int g = fx.get("grid").asInt();
        query = FeatureGrid.fromChw(floats(fx.get("query")), c, g);
        int n = fx.get("exemplars").size();
        exemplars = new FeatureGrid[n];
        int[] idx = new int[n];
        float[] sim = new float[n];
        for (int e = 0; e < n; e++) {
            exemplars[e] = FeatureGrid.fromChw(floats(fx.get("exemplars").get(e)), c, g);
            idx[e] = 100 + e;
        }
        int[] labels = new int[n];
        for (int e = 0; e < n; e++) {
            labels[e] = fx.get("labels").get(e).asInt();
        }
        shortlist = new Shortlist(idx, labels, sim);
    }

    @org.junit.jupiter.api.Test
    void ccMapsAndMasksMatchNumpy() {
        for (int e = 0; e < exemplars.length; e++) {
            double[] raw = CrossCorrelationMap.raw(query, exemplars[e]);
            assertThat(java.util.Arrays.stream(raw).sum())
                    .isCloseTo(fx.get("ccRawSumEqualsPooledCosine").get(e).asDouble(), within(1e-6));
            assertClose(CrossCorrelationMap.normalised(raw), fx.get("ccMaps").get(e), 1e-5);
            assertClose(CrossCorrelationMap.mask(CrossCorrelationMap.normalised(raw), 0.55), fx.get("masks").get(e), 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mnn", "sinkhorn"})
    void correspondencesScoresRankingAndVotesMatchNumpy(String matcherName) {
        JsonNode block = fx.get(matcherName);
        Matcher matcher = Matcher.parse(matcherName);
        int classes = fx.get("classes").asInt();
        float[] user = floats(fx.get("userMap"));
        for (int e = 0; e < exemplars.length; e++) {
            Correspondences c = matcher.match(query, exemplars[e]);
            for (int i = 0; i < c.match().length; i++) {
                assertThat(c.match()[i]).as("match of cell %d, exemplar %d", i, e).isEqualTo(block.get("match").get(e).get(i).asInt());
            }
            assertClose(c.similarity(), block.get("similarity").get(e), 1e-5);
            assertClose(c.evidence(), block.get("evidence").get(e), 1e-6);
        }
        for (int k = 1; k <= exemplars.length; k++) {
            QueryEvidence ev = ChmcorrClassifier.evidence(query, shortlist, exemplars, matcher, 0.55, classes, k);
            check(ev.decide(), block.get("default"), k);
            check(ev.decide(user), block.get("user"), k);
        }
    }

    private static void check(Decision d, JsonNode expected, int k) {
        assertClose(d.scores(), expected.get("scores"), 1e-6);
        List<Integer> ranking = new ArrayList<>();
        expected.get("ranking").forEach(n -> ranking.add(n.asInt()));
        assertThat(d.ranking()).containsExactly(ranking.stream().mapToInt(Integer::intValue).toArray());
        JsonNode v = expected.get("votes").get(k - 1);
        assertThat(d.prediction()).as("label at K=%d", k).isEqualTo(v.get("label").asInt());
        assertThat(d.k()).as("widened K at K=%d", k).isEqualTo(v.get("k").asInt());
        assertThat(d.confidence()).isCloseTo(v.get("counts").get(d.prediction()).asDouble() / d.k(), within(1e-12));
    }

    static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }

    private static void assertClose(float[] actual, JsonNode expected, double tol) {
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("value %d", i).isCloseTo(expected.get(i).asDouble(), within(tol));
        }
    }
}
