package org.lamina.analysis.chmcorr;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.session.SessionException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The panel's session parameters: through a JSON session file and back, and clear errors. */
class ChmcorrSessionParametersTest {

    private static final ChmcorrParameters SETTINGS = new ChmcorrParameters(30, 7, 0.4, "sinkhorn", 5, 5);

    private static Map<String, Object> throughJson(Map<String, Object> m) throws Exception {
        ObjectMapper json = new ObjectMapper();
        return json.readValue(json.writeValueAsString(m), new TypeReference<Map<String, Object>>() { });
    }

    @Test
    void parametersSurviveTheSessionMap() throws Exception {
        float[] map = new float[16];
        map[5] = 1f;
        map[6] = 0.3f;
        map[10] = 0.05f;
        ChmcorrSessionParameters item = ChmcorrSessionParameters.ofDataSet("sample:fashion-test", 12, "sample:fashion-train",
                300, SETTINGS, map);
        Map<String, Object> back = throughJson(item.toMap());
        assertThat(back.get("map")).isInstanceOf(List.class);
        ChmcorrSessionParameters again = ChmcorrSessionParameters.fromMap(back);
        assertThat(again).isEqualTo(item);
        assertThat(again.map()).containsExactly(map);
        assertThat(again.settings().threshold()).isEqualTo(0.4);

        ChmcorrSessionParameters file = ChmcorrSessionParameters.ofFile(Path.of("/tmp/query.png"), "sample:fashion-train",
                200, ChmcorrParameters.defaults(), null);
        Map<String, Object> fm = throughJson(file.toMap());
        assertThat(fm).doesNotContainKey("map").doesNotContainKey("querySet");
        assertThat(ChmcorrSessionParameters.fromMap(fm)).isEqualTo(file);
        // a whole-number threshold comes back from JSON as an Integer
        Map<String, Object> whole = new LinkedHashMap<>(fm);
        whole.put("threshold", 1);
        whole.put("gallerySize", 200L);
        assertThat(ChmcorrSessionParameters.fromMap(whole).settings().threshold()).isEqualTo(1.0);
    }

    @Test
    void badOrMissingKeysAreNamed() throws Exception {
        Map<String, Object> good = throughJson(ChmcorrSessionParameters.ofDataSet("sample:fashion-test", 3,
                "sample:fashion-train", 300, SETTINGS, new float[4]).toMap());
        for (String key : List.of("gallery", "gallerySize", "matcher", "n", "k", "threshold", "queryIndex")) {
            Map<String, Object> m = new LinkedHashMap<>(good);
            m.remove(key);
            assertThatThrownBy(() -> ChmcorrSessionParameters.fromMap(m)).isInstanceOf(SessionException.class)
                    .hasMessageContaining("'" + key + "' is missing");
        }
        Map<String, Object> m = new LinkedHashMap<>(good);
        m.put("n", "many");
        assertThatThrownBy(() -> ChmcorrSessionParameters.fromMap(m)).hasMessageContaining("'n' must be a number");
        m.put("n", 30);
        m.put("map", List.of(List.of(0.1, 0.2), List.of(0.3)));
        assertThatThrownBy(() -> ChmcorrSessionParameters.fromMap(m)).hasMessageContaining("'map' must be G×G");
        m.put("map", List.of(List.of(0.1, 0.2), List.of(0.3, 1.5)));
        assertThatThrownBy(() -> ChmcorrSessionParameters.fromMap(m)).hasMessageContaining("'map' weights must lie in [0, 1]");
        m.remove("querySet");
        m.remove("map");
        assertThatThrownBy(() -> ChmcorrSessionParameters.fromMap(m)).hasMessageContaining("'querySet' and 'queryFile'");
    }
}
