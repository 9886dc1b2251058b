package org.lamina.analysis.neuronpath;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a path is chosen (spec "Baselines"): the paper's joint-attribution search and the four
 * baselines it is compared with. Every path, whatever chose it, is scored with the same JAS(P).
 */
public enum PathMethod {
    /** Layer-progressive search maximising the joint attribution score (the paper's method). */
    JAS("jas", "JAS (paper)"),
    /** Largest clean activation per block. */
    ACTIVATION("activation", "Activation"),
    /** Input scaled 0 → x in m steps; largest step-mean gradient per block (influence pattern). */
    INFLUENCE("influence", "Influence pattern"),
    /** Largest single-neuron integrated gradient per block ("knowledge neurons"). */
    IG("ig", "Single-neuron IG"),
    /** Seeded random neurons per block: the sanity floor. */
    RANDOM("random", "Random");

    private final String key;
    private final String title;

    PathMethod(String key, String title) {
        this.key = key;
        this.title = title;
    }

    /** JSON / CLI key ({@code jas}, {@code activation}, {@code influence}, {@code ig}, {@code random}). */
    public String key() {
        return key;
    }

    /** Display name. */
    public String title() {
        return title;
    }

    /** Parses a key, case-insensitively, with an error that lists the valid keys. */
    public static PathMethod parse(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        for (PathMethod m : values()) {
            if (m.key.equals(k)) {
                return m;
            }
        }
        throw new NeuronPathException("unknown path method '" + key + "': expected one of "
                + Arrays.stream(values()).map(PathMethod::key).collect(Collectors.joining(", ")));
    }
}
