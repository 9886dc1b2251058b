package org.lamina.analysis.craft;

/**
 * Settings of the NMF solver, with the reference CRAFT's (scikit-learn's) defaults
 * (shared/specs/craft.md §Pipeline step 4).
 *
 * @param tolerance     stop when the projected-gradient "violation" falls below this fraction of
 *                      the first iteration's (sklearn's {@code tol}); default 1e-4
 * @param maxIterations at most this many iterations, each one U step and one W step (sklearn's
 *                      {@code max_iter}); default 200
 * @param alphaW        L2 penalty on U, objective term ½·α_W·C·||U||²_F (sklearn's {@code alpha_W}
 *                      with {@code l1_ratio=0}, {@code alpha_H=0}); default 0, the TF reference uses 1e-2
 * @param seed          seed of the start of the subspace iteration in the NNDSVDa initialisation:
 *                      the result is deterministic for a seed (and in practice independent of it)
 * @param solver        sweeps per half-step: {@link NmfSolver#REFERENCE} (sklearn's, default) or
 *                      {@link NmfSolver#FAST}
 */
public record NmfSettings(double tolerance, int maxIterations, double alphaW, long seed, NmfSolver solver) {

    public static final double DEFAULT_TOLERANCE = 1e-4;
    public static final int DEFAULT_MAX_ITERATIONS = 200;

    public NmfSettings {
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("NMF tolerance must be in (0, 1), got " + tolerance);
        }
        if (maxIterations < 1 || maxIterations > 100_000) {
            throw new IllegalArgumentException("NMF max iterations must be 1 to 100000, got " + maxIterations);
        }
        if (!(alphaW >= 0) || Double.isInfinite(alphaW)) {
            throw new IllegalArgumentException("NMF alpha_W must be ≥ 0, got " + alphaW);
        }
        if (solver == null) {
            throw new IllegalArgumentException("NMF solver must be one of " + java.util.Arrays.toString(NmfSolver.ids()));
        }
    }

    /** The reference solver with these settings. */
    public NmfSettings(double tolerance, int maxIterations, double alphaW, long seed) {
        this(tolerance, maxIterations, alphaW, seed, NmfSolver.REFERENCE);
    }

    /** sklearn's defaults (reference solver), no regularisation, seed 0. */
    public static NmfSettings defaults() {
        return new NmfSettings(DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS, 0, 0);
    }

    public NmfSettings withSeed(long s) {
        return new NmfSettings(tolerance, maxIterations, alphaW, s, solver);
    }

    public NmfSettings withAlphaW(double a) {
        return new NmfSettings(tolerance, maxIterations, a, seed, solver);
    }

    public NmfSettings withSolver(NmfSolver s) {
        return new NmfSettings(tolerance, maxIterations, alphaW, seed, s);
    }

    public NmfSettings withTolerance(double t) {
        return new NmfSettings(t, maxIterations, alphaW, seed, solver);
    }

    public NmfSettings withMaxIterations(int m) {
        return new NmfSettings(tolerance, m, alphaW, seed, solver);
    }
}
