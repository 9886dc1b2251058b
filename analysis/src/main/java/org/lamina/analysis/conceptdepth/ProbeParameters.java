package org.lamina.analysis.conceptdepth;

import org.lamina.analysis.session.ParameterMap;
import org.lamina.analysis.session.SessionException;

/**
 * Parameters of a concept-depth run; the CLI options, the panel's form and {@code probe.json}
 * all come from this record. Defaults are the reference's (Luckfort/CD) and the spec's.
 *
 * @param points        {@code layers} (startable points, default), {@code all}, or {@code P1,P2,…}
 * @param pooling       token of a transformer activation (default CLS)
 * @param testFraction  held-out fraction (default 0.4)
 * @param seed          split, control-task and noise seed (default 42)
 * @param stratified    stratified split (default false, as the reference)
 * @param standardise   z-score features with the training rows' mean and std (default false: raw)
 * @param c             inverse L2 strength (default 1.0)
 * @param maxIter       solver iterations (default 100)
 * @param tol           solver tolerance (default 1e-4)
 * @param tau           threshold depth fraction τ (default 0.95)
 * @param epsilon       converge depth tolerance ε (default 0.01)
 * @param noiseSigma    Gaussian input noise σ on unit-range pixels (default 0)
 * @param precision     fp32 (default), fp16 or bf16 weights and activations ({@link Precision})
 * @param maxSamples    at most this many items per concept (seeded, class-balanced), 0 = all
 * @param solver        newton (default) or lbfgs (all probes of a point in one batched L-BFGS)
 */
public record ProbeParameters(String points, TokenPooling pooling, double testFraction, long seed, boolean stratified,
                              boolean standardise, double c, int maxIter, double tol, double tau, double epsilon,
                              double noiseSigma, Precision precision, int maxSamples,
                              ProbeSolver solver) {

    public ProbeParameters {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
        }
        if (!(tau > 0 && tau <= 1)) {
            throw new IllegalArgumentException("τ must be in (0, 1], got " + tau);
        }
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("ε must be ≥ 0, got " + epsilon);
        }
        if (!(noiseSigma >= 0)) {
            throw new IllegalArgumentException("--noise σ must be ≥ 0, got " + noiseSigma);
        }
        if (maxSamples < 0) {
            throw new IllegalArgumentException("max samples must be ≥ 0 (0 = all), got " + maxSamples);
        }
        new LogisticProbe(c, maxIter, tol);
        java.util.Objects.requireNonNull(solver, "solver");
    }

    /** The reference's settings. */
    public static ProbeParameters defaults() {
        return new ProbeParameters("layers", TokenPooling.CLS, 0.4, 42, false, false, 1.0, 100, 1e-4, 0.95, 0.01, 0,
                Precision.FP32, 0, ProbeSolver.NEWTON);
    }

    public ProbeParameters withNoise(double sigma) {
        return new ProbeParameters(points, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, sigma, precision, maxSamples, solver);
    }

    public ProbeParameters withPrecision(Precision p) {
        return new ProbeParameters(points, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, p, maxSamples, solver);
    }

    public ProbeParameters withPoints(String spec) {
        return new ProbeParameters(spec, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, precision, maxSamples, solver);
    }

    public ProbeParameters withMaxSamples(int n) {
        return new ProbeParameters(points, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, precision, n, solver);
    }

    public ProbeParameters withSolver(ProbeSolver s) {
        return new ProbeParameters(points, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, precision, maxSamples, s);
    }

    /** The solver settings these parameters ask for. */
    public LogisticProbe probe() {
        return new LogisticProbe(c, maxIter, tol);
    }

    /** Extraction options. */
    public FeatureExtractor.Options extraction() {
        return new FeatureExtractor.Options(pooling, noiseSigma, precision, seed);
    }

    /** The parameters as plain values (for sessions); {@link #fromMap} reads them back. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("points", points);
        m.put("token", pooling.name().toLowerCase(java.util.Locale.ROOT));
        m.put("testFraction", testFraction);
        m.put("seed", seed);
        m.put("stratified", stratified);
        m.put("standardise", standardise);
        m.put("c", c);
        m.put("maxIter", maxIter);
        m.put("tol", tol);
        m.put("tau", tau);
        m.put("epsilon", epsilon);
        m.put("noise", noiseSigma);
        m.put("precision", precision.toString());
        m.put("maxSamples", maxSamples);
        m.put("solver", solver.name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    /**
     * Reads {@link #toMap} output; missing keys take {@link #defaults()}' values. A value of the
     * wrong type or out of range is a {@link org.lamina.analysis.session.SessionException} that names the key.
     */
    public static ProbeParameters fromMap(java.util.Map<String, Object> m) {
        return fromMap(new ParameterMap(m, "concept-depth parameter", SessionException::new), "");
    }

    /** Reads the parameters from {@code r}; {@code name} (e.g. {@code variant}) labels range errors. */
    static ProbeParameters fromMap(ParameterMap r, String name) {
        ProbeParameters d = defaults();
        try {
            r.allowOnly("points", "token", "testFraction", "seed", "stratified", "standardise", "c", "maxIter", "tol", "tau",
                    "epsilon", "noise", "precision", "maxSamples", "solver");
            return new ProbeParameters(r.string("points", d.points), TokenPooling.parse(r.string("token", "cls")),
                    r.decimal("testFraction", d.testFraction), r.longNumber("seed", d.seed),
                    r.bool("stratified", d.stratified), r.bool("standardise", d.standardise),
                    r.decimal("c", d.c), r.wholeNumber("maxIter", d.maxIter),
                    r.decimal("tol", d.tol), r.decimal("tau", d.tau),
                    r.decimal("epsilon", d.epsilon), r.decimal("noise", d.noiseSigma),
                    Precision.parse(r.string("precision", "fp32")), r.wholeNumber("maxSamples", d.maxSamples),
                    ProbeSolver.parse(r.string("solver", "newton")));
        } catch (IllegalArgumentException e) {
            throw new SessionException("concept-depth parameters" + (name.isEmpty() ? "" : " '" + name + "'") + ": "
                    + e.getMessage(), e);
        }
    }

    /** A short label for legends, e.g. {@code σ=0.2, bf16}. */
    public String variantLabel() {
        String s = noiseSigma > 0 ? "σ=" + noiseSigma : "";
        if (precision != Precision.FP32) {
            s += (s.isEmpty() ? "" : ", ") + precision;
        }
        return s.isEmpty() ? "clean, fp32" : s;
    }
}
