package org.lamina.analysis.conceptdepth;

import java.util.Locale;

/**
 * How the train/test split is drawn.
 * <ul>
 *   <li>{@link #SEEDED}: Lamina's seeded shuffle ({@link java.util.SplittableRandom}); stratified on request.</li>
 *   <li>{@link #REFERENCE}: the Concept-Depth repository's split (Luckfort/CD calls scikit-learn's
 *       {@code train_test_split(X, y, test_size=0.4, random_state=42)}): NumPy's legacy
 *       {@code RandomState(seed).permutation(n)}, the first {@code ceil(fraction·n)} positions
 *       held out; never stratified. With seed 42, fraction 0.4 and split 1 of K it is exactly
 *       the reference's rows.</li>
 * </ul>
 */
public enum SplitMode {
    SEEDED, REFERENCE;

    public static SplitMode parse(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "seeded" -> SEEDED;
            case "reference" -> REFERENCE;
            default -> throw new IllegalArgumentException("--split must be seeded or reference, got '" + s + "'");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
