package org.lamina.analysis.craft;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CraftParametersTest {

    @Test
    void parametersSurviveTheSessionMap() throws Exception {
        CraftParameters defaults = CraftParameters.defaults(3);
        assertThat(CraftParameters.fromMap(defaults.toMap())).isEqualTo(defaults);
        CraftParameters p = new CraftParameters("sample:fashion-test", "relu2", 4, 6, 3, 12, 8, 5_000_000_000L, 0.25, 16,
                false);
        // through JSON text, as a session file stores it (numbers come back as Integer/Long/Double)
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> back = json.readValue(json.writeValueAsString(p.toMap()), new TypeReference<>() { });
        assertThat(CraftParameters.fromMap(back)).isEqualTo(p);
        CraftParameters small = defaults.withSeed(7);
        Map<String, Object> smallBack = json.readValue(json.writeValueAsString(small.toMap()), new TypeReference<>() { });
        assertThat(smallBack.get("seed")).isInstanceOf(Integer.class);
        assertThat(smallBack.get("alphaW")).isInstanceOf(Double.class);
        assertThat(CraftParameters.fromMap(smallBack)).isEqualTo(small);
        // The NMF choices (issue #22) travel too; a session without them gets the reference solver.
        CraftParameters nmf = p.withNmf(NmfSolver.ACCELERATED, 50, 1e-3);
        Map<String, Object> nmfBack = json.readValue(json.writeValueAsString(nmf.toMap()), new TypeReference<>() { });
        assertThat(nmfBack).containsEntry("nmfSolver", "accelerated").containsEntry("maxIter", 50);
        assertThat(CraftParameters.fromMap(nmfBack)).isEqualTo(nmf);
        assertThat(nmf.nmfSettings()).isEqualTo(new NmfSettings(1e-3, 50, 0.25, 5_000_000_000L, NmfSolver.ACCELERATED));
        Map<String, Object> old = new HashMap<>(p.toMap());
        old.keySet().removeAll(java.util.List.of("nmfSolver", "maxIter", "tol"));
        assertThat(CraftParameters.fromMap(old).nmfSettings().solver()).isEqualTo(NmfSolver.REFERENCE);
        assertThat(CraftParameters.fromMap(old).nmfSettings().maxIterations()).isEqualTo(200);
        assertThat(CraftParameters.fromMap(old).nmfSettings().tolerance()).isEqualTo(1e-4);
    }

    @Test
    void badOrMissingKeysAreNamed() {
        Map<String, Object> m = new HashMap<>(CraftParameters.defaults(1).toMap());
        m.put("rank", "many");
        assertThatThrownBy(() -> CraftParameters.fromMap(m)).hasMessageContaining("'rank' must be a number");
        m.put("rank", 2.5);
        assertThatThrownBy(() -> CraftParameters.fromMap(m)).hasMessageContaining("'rank' must be a whole number");
        m.put("rank", 3);
        m.put("fidelity", "yes");
        assertThatThrownBy(() -> CraftParameters.fromMap(m)).hasMessageContaining("'fidelity' must be true or false");
        m.put("fidelity", true);
        m.put("nmfSolver", "fastest");
        assertThatThrownBy(() -> CraftParameters.fromMap(m)).hasMessageContaining("'nmfSolver' must be one of [reference, accelerated]");
        m.put("nmfSolver", "reference");
        m.put("tol", 0);
        assertThatThrownBy(() -> CraftParameters.fromMap(m)).hasMessageContaining("--tol must be in (0, 1), got 0");
        m.put("tol", 1e-4);
        m.put("maxIter", 0);
        assertThatThrownBy(() -> CraftParameters.fromMap(m)).hasMessageContaining("--max-iter must be 1 to 100000, got 0");
        m.put("maxIter", 200);
        m.remove("class");
        assertThatThrownBy(() -> CraftParameters.fromMap(m)).hasMessageContaining("'class' is missing");
    }
}
