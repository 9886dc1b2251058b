package org.lamina.analysis.conceptdepth;

import java.util.Locale;

/**
 * How the probes are solved; both minimise the same objective ({@link LogisticProbe}).
 * {@link #NEWTON}: one problem at a time, Newton's method (exact optimum in a few iterations;
 * cost grows with d³ and n·d²). {@link #LBFGS}: every probe of a probe point (all concepts, task and
 * control) in one lock-step L-BFGS ({@link BatchedLbfgsProbe}; the reference's solver), cheaper
 * per iteration for wide features. Feature standardisation always uses Newton (its statistics
 * differ per concept, so the rows are not shared).
 */
public enum ProbeSolver {
    NEWTON,
    LBFGS;

    /** Parses {@code newton|lbfgs} with a clear error. */
    public static ProbeSolver parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--solver must be newton or lbfgs, got '" + s + "'");
        }
    }
}
