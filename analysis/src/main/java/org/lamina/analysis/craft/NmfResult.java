package org.lamina.analysis.craft;

/**
 * A ≈ U·W (CRAFT's naming: U are the concept coefficients of each crop, W the concept bank;
 * sklearn's {@code fit_transform} result and {@code components_} respectively).
 *
 * @param u                  {@code n × r}, ≥ 0
 * @param w                  {@code r × C}, ≥ 0
 * @param iterations         iterations run (each one U step and one W step)
 * @param converged          whether the tolerance was met before the iteration limit
 * @param relativeError      ||A − UW||_F / ||A||_F
 * @param solver             the sweeps per half-step used ({@link NmfSolver})
 */
public record NmfResult(RowMajorMatrix u, RowMajorMatrix w, int iterations, boolean converged, double relativeError,
                        NmfSolver solver) {

    public int rank() {
        return w.rows();
    }
}
