package org.lamina.analysis.conceptdepth;

import com.fasterxml.jackson.core.type.TypeReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.session.ReplayableAnalysis;
import org.lamina.analysis.session.SessionException;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A concept-depth request survives a session's parameter map, and its replay is registered. */
class ConceptDepthSessionTest {

    private static Map<String, Object> throughJson(Map<String, Object> m) throws Exception {
        // as a session file stores it: numbers come back as Integer/Long/Double
        String json = ProbeFiles.mapper().writeValueAsString(m);
        return ProbeFiles.mapper().readValue(json, new TypeReference<Map<String, Object>>() { });
    }

    @Test
    void requestSurvivesTheSessionMapThroughJson() throws Exception {
        ProbeParameters p = new ProbeParameters("all", TokenPooling.MEAN, 0.3, 7_000_000_000L, true, true, 0.5, 50, 1e-5,
                0.9, 0.02, 0, Precision.FP32, 40, ProbeSolver.LBFGS, 3, SplitMode.SEEDED);
        ConceptDepthStudy.Request r = new ConceptDepthStudy.Request("sample:fashion-concepts", p, List.of("sample:tiny-vit"),
                p.withNoise(0.2).withPrecision(Precision.BF16), false, 120);
        assertThat(ConceptDepthStudy.Request.fromMap(r.toMap())).isEqualTo(r);
        Map<String, Object> json = throughJson(r.toMap());
        assertThat(json.get("conceptSet")).isEqualTo("sample:fashion-concepts");
        assertThat(ConceptDepthStudy.Request.fromMap(json)).isEqualTo(r);

        ConceptDepthStudy.Request defaults = new ConceptDepthStudy.Request("sample:mnist-concepts",
                ProbeParameters.defaults(), List.of(), null, true, 300);
        assertThat(ConceptDepthStudy.Request.fromMap(throughJson(defaults.toMap()))).isEqualTo(defaults);
        assertThat(ProbeParameters.fromMap(throughJson(p.toMap()))).isEqualTo(p);
    }

    @Test
    void anEntryWrittenBeforeRepeatedSplitsReplaysWithOneSplit() throws Exception {
        Map<String, Object> old = new java.util.LinkedHashMap<>(ProbeParameters.defaults().toMap());
        old.remove("splits");
        old.remove("split");
        ProbeParameters p = ProbeParameters.fromMap(throughJson(old));
        assertThat(p.splits()).isEqualTo(1);
        assertThat(p.split()).isEqualTo(SplitMode.SEEDED);
        assertThat(ProbeParameters.defaults().splits()).isEqualTo(ProbeParameters.DEFAULT_SPLITS);
        Map<String, Object> reference = new java.util.LinkedHashMap<>(old);
        reference.put("split", "reference");
        reference.put("stratified", true);
        assertThatThrownBy(() -> ProbeParameters.fromMap(reference)).hasMessageContaining("not stratified");
        Map<String, Object> tooMany = new java.util.LinkedHashMap<>(old);
        tooMany.put("splits", 101);
        assertThatThrownBy(() -> ProbeParameters.fromMap(tooMany)).hasMessageContaining("splits");
    }

    @Test
    void aCsvConceptSetIsStoredAsAPortablePath(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("concepts.csv").toAbsolutePath().normalize();
        ConceptDepthStudy.Request r = new ConceptDepthStudy.Request(csv.toString(), ProbeParameters.defaults(), List.of(),
                null, false, 300);
        Map<String, Object> json = throughJson(r.toMap());
        assertThat(json.get("conceptSet")).isEqualTo(csv.toString());
        assertThat(ConceptDepthStudy.Request.fromMap(json)).isEqualTo(r);
    }

    @Test
    void badOrMissingKeysAreNamed() {
        assertThatThrownBy(() -> ConceptDepthStudy.Request.fromMap(Map.of("logitLens", false)))
                .isInstanceOf(SessionException.class).hasMessageContaining("'conceptSet' is missing");
        Map<String, Object> m = new HashMap<>(new ConceptDepthStudy.Request("sample:fashion-concepts",
                ProbeParameters.defaults(), List.of(), null, false, 300).toMap());
        m.put("parameters", Map.of("tau", "high"));
        assertThatThrownBy(() -> ConceptDepthStudy.Request.fromMap(m)).hasMessageContaining("'parameters.tau' must be a number");
        m.put("parameters", Map.of("tau", 1.5));
        assertThatThrownBy(() -> ConceptDepthStudy.Request.fromMap(m))
                .isInstanceOf(SessionException.class).hasMessageContaining("'parameters'").hasMessageContaining("τ must be in (0, 1]");
        m.put("parameters", Map.of());
        m.put("logitLens", "yes");
        assertThatThrownBy(() -> ConceptDepthStudy.Request.fromMap(m)).hasMessageContaining("'logitLens' must be a boolean");
        m.put("logitLens", true);
        m.put("otherModels", List.of(3));
        assertThatThrownBy(() -> ConceptDepthStudy.Request.fromMap(m)).hasMessageContaining("'otherModels'");
        m.put("otherModels", List.of());
        m.put("variant", Map.of("precision", "fp8"));
        assertThatThrownBy(() -> ConceptDepthStudy.Request.fromMap(m)).hasMessageContaining("'variant'")
                .hasMessageContaining("--precision must be fp32, fp16, bf16 or int8");
    }

    @Test
    void replayIsRegistered() {
        assertThat(ServiceLoader.load(ReplayableAnalysis.class).stream().map(ServiceLoader.Provider::get)
                .map(ReplayableAnalysis::method).toList()).contains(ConceptDepthReplay.METHOD);
    }
}
