package org.lamina.analysis.conceptdepth;

import org.lamina.analysis.session.SessionException;

import java.util.Map;

/**
 * Typed reads from a session's parameter map (after a JSON round trip numbers may come back as
 * Integer, Long or Double); a value of the wrong type, or a missing required key, is an error that
 * names the key.
 */
final class SessionMaps {

    private SessionMaps() {
    }

    static Number number(Map<String, Object> m, String prefix, String key, Number fallback) {
        Object v = m.get(key);
        return v == null ? fallback : (Number) value(v, Number.class, prefix, key, "number");
    }

    static String string(Map<String, Object> m, String prefix, String key, String fallback) {
        Object v = m.get(key);
        return v == null ? fallback : (String) value(v, String.class, prefix, key, "string");
    }

    static boolean bool(Map<String, Object> m, String prefix, String key, boolean fallback) {
        Object v = m.get(key);
        return v == null ? fallback : (Boolean) value(v, Boolean.class, prefix, key, "boolean (true or false)");
    }

    static String requiredString(Map<String, Object> m, String prefix, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new SessionException("concept-depth parameter '" + prefix + key + "' is missing");
        }
        return (String) value(v, String.class, prefix, key, "string");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String prefix, String key) {
        Object v = m.get(key);
        return v == null ? null : (Map<String, Object>) value(v, Map.class, prefix, key, "map of parameters");
    }

    static Object value(Object v, Class<?> type, String prefix, String key, String what) {
        if (!type.isInstance(v)) {
            throw new SessionException("concept-depth parameter '" + prefix + key + "' must be a " + what + ", got " + v);
        }
        return v;
    }
}
