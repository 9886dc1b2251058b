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
        m.remove("class");
        assertThatThrownBy(() -> CraftParameters.fromMap(m)).hasMessageContaining("'class' is missing");
    }
}
