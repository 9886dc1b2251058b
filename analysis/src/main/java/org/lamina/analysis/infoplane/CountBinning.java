package org.lamina.analysis.infoplane;

import java.util.Locale;

/**
 * What binning by count does with values outside [−1, 1) (shared/specs/infoplane.md, "Estimators";
 * issue #22). Both rules use the same edges {@code linspace(−1, 1, bins)} in float32 and the same
 * {@code np.digitize} search, so they agree on every value in [−1, 1).
 *
 * <ul>
 *   <li>{@link #IDNN} — the reference code (ravidziv/IDNNs, artemyk/ibsgd {@code simplebinmi.py}):
 *       {@code bins[np.digitize(a, bins) − 1]}. A value ≥ 1 gets its own symbol (the last edge,
 *       one more than the {@code bins − 1} cells), and a value &lt; −1 wraps around onto that same
 *       symbol (index −1). Saturated softmax outputs (exactly 1.0) and ReLU values above 1 are
 *       therefore told apart from values just below 1 — up to 0.9 bits more I(X;T) than
 *       {@link #CLAMP} on the fixture of {@code tools/fixtures/infoplane_binning_fixture.py}.
 *       The default, so that numbers agree with the published figures.</li>
 *   <li>{@link #CLAMP} — values below −1 go to the first cell and values ≥ 1 to the last of the
 *       {@code bins − 1} cells: the rule the spec asks for (no wrap-around), and what Lamina did
 *       before issue #22; sessions and {@code infoplane.json} files written before the option
 *       existed read back as this rule.</li>
 * </ul>
 */
public enum CountBinning {
    IDNN,
    CLAMP;

    /** Parses {@code idnn|clamp}. */
    public static CountBinning parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("binning must be idnn or clamp, got '" + s + "'");
        }
    }

    /** The lower-case name used in the CLI and JSON. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
