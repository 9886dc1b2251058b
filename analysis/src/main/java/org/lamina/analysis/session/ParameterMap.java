package org.lamina.analysis.session;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Typed reads from an analysis's parameter map as a session stores it. After a JSON round trip
 * numbers come back as Integer, Long or Double, so every number is read through {@link Number};
 * a value of the wrong type, a fraction where a whole number belongs, or a missing required key is
 * an error that names the key ({@code <owner> '<key>' must be a number, got …}). Each analysis
 * keeps its own exception type through {@code error}.
 */
public final class ParameterMap {

    private final Map<String, Object> values;
    private final String owner;
    private final String prefix;
    private final Function<String, RuntimeException> error;

    /**
     * @param values the map read back from a session (null reads as empty)
     * @param owner  how messages name a key's owner, e.g. {@code CRAFT parameter}
     * @param error  makes the exception an analysis throws for a bad map
     */
    public ParameterMap(Map<String, Object> values, String owner, Function<String, RuntimeException> error) {
        this(values, owner, "", error);
    }

    private ParameterMap(Map<String, Object> values, String owner, String prefix, Function<String, RuntimeException> error) {
        this.values = values == null ? Map.of() : values;
        this.owner = owner;
        this.prefix = prefix;
        this.error = error;
    }

    /** The map under {@code key}, with keys named {@code key.sub} in messages; null when absent. */
    @SuppressWarnings("unchecked")
    public ParameterMap nested(String key) {
        Object v = values.get(key);
        return v == null ? null
                : new ParameterMap((Map<String, Object>) typed(v, Map.class, key, "a map of parameters"), owner,
                        prefix + key + ".", error);
    }

    /** Whether {@code key} has a value. */
    public boolean has(String key) {
        return values.get(key) != null;
    }

    /** A number, or {@code fallback} when absent. */
    public Number number(String key, Number fallback) {
        Object v = values.get(key);
        return v == null ? fallback : (Number) typed(v, Number.class, key, "a number");
    }

    /** A number that must be there. */
    public Number requiredNumber(String key) {
        return (Number) typed(required(key), Number.class, key, "a number");
    }

    /** A whole number in int range, or {@code fallback} when absent. */
    public int wholeNumber(String key, int fallback) {
        return has(key) ? whole(key, number(key, fallback)) : fallback;
    }

    /** A whole number in int range that must be there. */
    public int requiredWholeNumber(String key) {
        return whole(key, requiredNumber(key));
    }

    /** A string, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
        Object v = values.get(key);
        return v == null ? fallback : (String) typed(v, String.class, key, "a string");
    }

    /** A string that must be there. */
    public String requiredString(String key) {
        return (String) typed(required(key), String.class, key, "a string");
    }

    /** A boolean, or {@code fallback} when absent. */
    public boolean bool(String key, boolean fallback) {
        Object v = values.get(key);
        return v == null ? fallback : (Boolean) typed(v, Boolean.class, key, "a boolean (true or false)");
    }

    /** A list that must be there. */
    public List<?> requiredList(String key) {
        return (List<?>) typed(required(key), List.class, key, "a list");
    }

    /** The value under {@code key} (or any item of it) checked against {@code type}; {@code what} names the type in the message. */
    public Object typed(Object v, Class<?> type, String key, String what) {
        if (!type.isInstance(v)) {
            throw error.apply(owner + " '" + prefix + key + "' must be " + what + ", got " + v);
        }
        return v;
    }

    private Object required(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw error.apply(owner + " '" + prefix + key + "' is missing");
        }
        return v;
    }

    private int whole(String key, Number n) {
        double d = n.doubleValue();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw error.apply(owner + " '" + prefix + key + "' must be a whole number, got " + n);
        }
        return n.intValue();
    }
}
