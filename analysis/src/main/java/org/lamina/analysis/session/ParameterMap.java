package org.lamina.analysis.session;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Strict typed reads from an analysis's parameter map as a session stores it. A replay must redo
 * what was saved or refuse, so nothing here guesses: a present key whose JSON type is not the one
 * expected (a string where a number belongs, a number where a string belongs), a fraction where a
 * whole number belongs, a whole number out of range, a value that is not one of a fixed set of
 * names, a key the analysis does not know ({@link #allowOnly}) and a missing required key are all
 * errors that name the key, what it holds and what was expected
 * ({@code <owner> 'index' must be a whole number, got "12" (a string)}). A JSON {@code null} reads
 * as an absent key. After a JSON round trip numbers come back as Integer, Long, BigInteger or
 * Double, so numbers are read through {@link Number}. Each analysis keeps its own exception type
 * through {@code error}.
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

    /**
     * Refuses a key that is not one of {@code known}: an unknown key is a typo or a parameter of
     * another Lamina whose meaning this one would silently drop.
     */
    public ParameterMap allowOnly(String... known) {
        Set<String> allowed = new LinkedHashSet<>(Arrays.asList(known));
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw error.apply(owner + " '" + prefix + k + "' is not a parameter of this analysis (it holds "
                        + describe(values.get(k)) + "); expected only " + allowed);
            }
        }
        return this;
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
        return has(key) ? whole(key, wholeTyped(values.get(key), key)) : fallback;
    }

    /** A whole number in int range that must be there. */
    public int requiredWholeNumber(String key) {
        return whole(key, wholeTyped(required(key), key));
    }

    /** A whole number in long range (e.g. a seed), or {@code fallback} when absent. */
    public long longNumber(String key, long fallback) {
        return has(key) ? longWhole(key, wholeTyped(values.get(key), key)) : fallback;
    }

    /** A whole number in long range that must be there. */
    public long requiredLongNumber(String key) {
        return longWhole(key, wholeTyped(required(key), key));
    }

    /** A finite number as a double, or {@code fallback} when absent. */
    public double decimal(String key, double fallback) {
        if (!has(key)) {
            return fallback;
        }
        double d = number(key, fallback).doubleValue();
        if (!Double.isFinite(d)) {
            throw error.apply(owner + " '" + prefix + key + "' must be a finite number, got " + describe(values.get(key)));
        }
        return d;
    }

    /** A finite number that must be there. */
    public double requiredDecimal(String key) {
        required(key);
        return decimal(key, 0);
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

    /**
     * A name read by {@code parser} (e.g. an enum's {@code parse}), or {@code fallback} when absent.
     * A name the parser refuses is an error naming the key, with the parser's list of names.
     */
    public <T> T choice(String key, T fallback, Function<String, T> parser) {
        if (!has(key)) {
            return fallback;
        }
        String s = string(key, null);
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw error.apply(owner + " '" + prefix + key + "' holds " + describe(s) + ", not one of the names it takes: "
                    + e.getMessage());
        }
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

    /** A list, or null when absent. */
    public List<?> list(String key) {
        Object v = values.get(key);
        return v == null ? null : (List<?>) typed(v, List.class, key, "a list");
    }

    /** Item {@code i} of the list under {@code key} as a whole number in int range. */
    public int wholeItem(List<?> list, int i, String key) {
        return whole(key + "[" + i + "]", wholeTyped(list.get(i), key + "[" + i + "]"));
    }

    /** The value under {@code key} (or any item of it) checked against {@code type}; {@code what} names the type in the message. */
    public Object typed(Object v, Class<?> type, String key, String what) {
        if (!type.isInstance(v)) {
            throw error.apply(owner + " '" + prefix + key + "' must be " + what + ", got " + describe(v));
        }
        return v;
    }

    /** A value as a message shows it: {@code "12" (a string)}, {@code 2.5 (a number)}, … */
    public static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "\"" + s + "\" (a string)";
        }
        if (v instanceof Number) {
            return v + " (a number)";
        }
        if (v instanceof Boolean) {
            return v + " (a boolean)";
        }
        if (v instanceof List<?>) {
            return "a list " + v;
        }
        if (v instanceof Map<?, ?>) {
            return "a map " + v;
        }
        return v.toString();
    }

    private Object required(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw error.apply(owner + " '" + prefix + key + "' is missing");
        }
        return v;
    }

    private Number wholeTyped(Object v, String key) {
        return (Number) typed(v, Number.class, key, "a number");
    }

    private int whole(String key, Number n) {
        long l = longWhole(key, n);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw error.apply(owner + " '" + prefix + key + "' must be a whole number from " + Integer.MIN_VALUE + " to "
                    + Integer.MAX_VALUE + ", got " + describe(n));
        }
        return (int) l;
    }

    private long longWhole(String key, Number n) {
        BigDecimal d;
        try {
            d = n instanceof BigInteger b ? new BigDecimal(b)
                    : n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
        } catch (NumberFormatException e) {
            // NaN or infinity
            throw error.apply(owner + " '" + prefix + key + "' must be a whole number, got " + describe(n));
        }
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw error.apply(owner + " '" + prefix + key + "' must be a whole number, got " + describe(n));
        }
        try {
            return d.toBigIntegerExact().longValueExact();
        } catch (ArithmeticException e) {
            throw error.apply(owner + " '" + prefix + key + "' must be a whole number from " + Long.MIN_VALUE + " to "
                    + Long.MAX_VALUE + ", got " + describe(n));
        }
    }
}
