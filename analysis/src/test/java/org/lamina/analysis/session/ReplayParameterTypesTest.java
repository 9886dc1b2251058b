package org.lamina.analysis.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.chmcorr.ChmcorrParameters;
import org.lamina.analysis.chmcorr.ChmcorrSessionParameters;
import org.lamina.analysis.conceptdepth.ConceptDepthStudy;
import org.lamina.analysis.conceptdepth.ProbeParameters;
import org.lamina.analysis.craft.CraftParameters;
import org.lamina.analysis.explorer.ExplorerParameters;
import org.lamina.analysis.infoplane.InfoPlaneParameters;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.neuronpath.NeuronPathParameters;
import org.lamina.analysis.neuronpath.PathMethod;
import org.lamina.analysis.neuronpath.TokenMode;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #16 class 5: a replay reads every recorded parameter strictly. For every registered
 * analysis a valid entry (as its own record writes it, after a JSON round trip) is checked, then
 * each of its keys — nested ones included — is given a value of another JSON type, a fraction or
 * an out-of-range number where a whole number belongs, and an unknown key is added: each must be
 * refused before anything runs, with a message naming the entry (number and method) and the key.
 */
class ReplayParameterTypesTest {

    /** A valid entry of every analysis, as the analysis's record writes it. */
    static Map<String, Map<String, Object>> validEntries() {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        m.put("explorer", ExplorerParameters.ofDataSet("sample:fashion-test", 12, "conv2", 4).toMap());
        m.put("craft", CraftParameters.defaults(3).toMap());
        m.put("infoplane", InfoPlaneParameters.defaults().toMap());
        m.put("conceptdepth", new ConceptDepthStudy.Request("sample:fashion-concepts", ProbeParameters.defaults(),
                List.of("sample:tiny-vit"), ProbeParameters.defaults(), true, 300).toMap());
        m.put("neuronpath", new NeuronPathParameters("sample:fashion-test", List.of("Trouser", "Bag"), 1, 4, 1,
                List.of(PathMethod.ACTIVATION, PathMethod.RANDOM), 42, TokenMode.CLS, List.of(0.1, 0.5)).toMap());
        m.put("chmcorr", ChmcorrSessionParameters.ofDataSet("sample:fashion-test", 5, "sample:fashion-train", 200,
                ChmcorrParameters.defaults(), new float[] {0.5f, 1, 0, 0.25f}).toMap());
        return m;
    }

    @Test
    void aValueOfAnotherJsonTypeIsRefusedNamingTheEntryAndTheKey(@TempDir Path dir) {
        TreeSet<String> registered = new TreeSet<>();
        ServiceLoader.load(ReplayableAnalysis.class).forEach(a -> registered.add(a.method()));
        assertThat(registered).as("a new analysis needs a fixture in validEntries()").isEqualTo(new TreeSet<>(validEntries().keySet()));
        int cases = forEveryKey(dir, (key, v) -> v == null || v instanceof String ? (Object) 7
                : v instanceof Number ? "12" : v instanceof Boolean ? "true" : v instanceof List<?> ? "x" : 7);
        assertThat(cases).isGreaterThan(60);
    }

    @Test
    void anItemOfAnotherJsonTypeInAListIsRefused(@TempDir Path dir) {
        forEveryKey(dir, (key, v) -> {
            if (!(v instanceof List<?> list) || list.isEmpty()) {
                return null;
            }
            List<Object> bad = new ArrayList<>(list);
            bad.set(0, list.get(0) instanceof String ? (Object) 7 : "1");
            return bad;
        });
    }

    @Test
    void aFractionOrAnOutOfRangeNumberWhereAWholeNumberBelongsIsRefused(@TempDir Path dir) {
        // After a JSON round trip exactly the whole-number parameters come back as Integer or Long.
        int fractions = forEveryKey(dir, (key, v) -> v instanceof Integer || v instanceof Long
                ? (Object) (((Number) v).doubleValue() + 0.5) : null);
        int huge = forEveryKey(dir, (key, v) -> v instanceof Integer || v instanceof Long
                ? (Object) new BigInteger("1" + "0".repeat(30)) : null);
        assertThat(fractions).isEqualTo(huge).isGreaterThan(20);
    }

    @Test
    void anUnknownKeyIsRefused(@TempDir Path dir) {
        for (Map.Entry<String, Map<String, Object>> e : validEntries().entrySet()) {
            Map<String, Object> p = new LinkedHashMap<>(e.getValue());
            p.put("targetClas", 3);
            SessionDocument doc = roundTrip(dir, sessionWithThird(e.getKey(), p));
            assertThatThrownBy(() -> new SessionReplay().checkEntries(doc, ProgressSink.none())).as(e.getKey())
                    .isInstanceOf(SessionException.class).hasMessageContaining("session entry 3 of 3")
                    .hasMessageContaining("'" + e.getKey() + "'").hasMessageContaining("'targetClas'");
        }
    }

    @Test
    void anUnknownNameIsRefused(@TempDir Path dir) {
        Map<String, List<String>> names = Map.of("infoplane", List.of("activation", "split", "schedule", "estimator"),
                "conceptdepth", List.of("parameters.token", "parameters.precision", "parameters.solver", "parameters.split"),
                "neuronpath", List.of("tokenMode"), "chmcorr", List.of("matcher"));
        for (Map.Entry<String, List<String>> e : names.entrySet()) {
            for (String key : e.getValue()) {
                Map<String, Object> p = replaced(validEntries().get(e.getKey()), key, "no-such-name");
                SessionDocument doc = roundTrip(dir, sessionWithThird(e.getKey(), p));
                assertThatThrownBy(() -> new SessionReplay().checkEntries(doc, ProgressSink.none())).as(key)
                        .isInstanceOf(SessionException.class).hasMessageContaining("session entry 3 of 3")
                        .hasMessageContaining("no-such-name").hasMessageContaining(key.substring(key.indexOf('.') + 1));
            }
        }
    }

    /**
     * For every key (nested maps' keys as {@code outer.inner}) of every analysis's valid entry whose
     * value {@code bad} replaces (null: skip), checks that the session is refused naming the entry
     * and the key. Returns how many cases ran.
     */
    private static int forEveryKey(Path dir, BiFunction<String, Object, Object> bad) {
        int cases = 0;
        for (Map.Entry<String, Map<String, Object>> e : validEntries().entrySet()) {
            String method = e.getKey();
            Map<String, Object> valid = e.getValue();
            SessionDocument ok = roundTrip(dir, sessionWithThird(method, valid));
            assertThatCode(() -> new SessionReplay().checkEntries(ok, ProgressSink.none())).as("the valid " + method + " entry")
                    .doesNotThrowAnyException();
            for (String key : keys(valid, "")) {
                Object replacement = bad.apply(key, lookup(roundTripped(dir, method, valid), key));
                if (replacement == null) {
                    continue;
                }
                SessionDocument doc = roundTrip(dir, sessionWithThird(method, replaced(valid, key, replacement)));
                assertThatThrownBy(() -> new SessionReplay().checkEntries(doc, ProgressSink.none()))
                        .as(method + " '" + key + "' = " + replacement)
                        .isInstanceOf(SessionException.class)
                        .hasMessageContaining("session entry 3 of 3 (method '" + method + "')")
                        .hasMessageContaining("'" + key);
                cases++;
            }
        }
        return cases;
    }

    private static List<String> keys(Map<String, Object> m, String prefix) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> n = (Map<String, Object>) nested;
                out.addAll(keys(n, prefix + e.getKey() + "."));
            }
            out.add(prefix + e.getKey());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object lookup(Map<String, Object> m, String key) {
        int dot = key.indexOf('.');
        return dot < 0 ? m.get(key) : lookup((Map<String, Object>) m.get(key.substring(0, dot)), key.substring(dot + 1));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> replaced(Map<String, Object> m, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(m);
        int dot = key.indexOf('.');
        if (dot < 0) {
            copy.put(key, value);
        } else {
            String outer = key.substring(0, dot);
            copy.put(outer, replaced((Map<String, Object>) m.get(outer), key.substring(dot + 1), value));
        }
        return copy;
    }

    /** A session whose first two entries are valid explorer runs and whose third is {@code method} with {@code p}. */
    static SessionDocument sessionWithThird(String method, Map<String, Object> p) {
        Map<String, Object> ok = validEntries().get("explorer");
        return new SessionDocument(SessionDocument.FORMAT_VERSION, "2026-01-01T00:00:00Z",
                new SessionDocument.ModelReference("sample:tiny-cnn", "tiny-cnn", "0".repeat(64), "0".repeat(64)),
                "sample:fashion-test", 42, Map.of(), List.of(
                new SessionDocument.AnalysisEntry("explorer", "explorer", ok, Map.of()),
                new SessionDocument.AnalysisEntry("explorer", "explorer", ok, Map.of()),
                new SessionDocument.AnalysisEntry(method, method, p, Map.of())));
    }

    private static Map<String, Object> roundTripped(Path dir, String method, Map<String, Object> p) {
        return roundTrip(dir, sessionWithThird(method, p)).analyses().get(2).parameters();
    }

    /** Through the file, as a replay reads it: JSON decides what type a value has. */
    static SessionDocument roundTrip(Path dir, SessionDocument doc) {
        return SessionFile.read(SessionFile.write(dir.resolve("s" + SessionFile.SUFFIX), doc));
    }
}
