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
 * @param splits        train/test splits K, 1 … 100 (default {@value #DEFAULT_SPLITS}): split k uses seed
 *                      {@code seed + k}; a concept's depth moves with the split (fashion-cnn's shirt-vs-tshirt
 *                      threshold depth is layer 1, 2 or 4 over 20 splits, 4 — the single default split's —
 *                      in 5 of them), so accuracy is reported
 *                      as mean ± std over the splits and each depth as its per-split distribution and median
 * @param split         seeded (default) or reference (NumPy's permutation as scikit-learn's
 *                      {@code train_test_split}, the CD repository's split; {@link SplitMode})
 */
public record ProbeParameters(String points, TokenPooling pooling, double testFraction, long seed, boolean stratified,
                              boolean standardise, double c, int maxIter, double tol, double tau, double epsilon,
                              double noiseSigma, Precision precision, int maxSamples,
                              ProbeSolver solver, int splits, SplitMode split) {

    /**
     * Default number of splits. On fashion-concepts (2,000 images, 2 cores) 10 splits add 2.7 s of probes to fashion-cnn's
     * 1.7 s (features: 12.5 s) and 2.4 s to fashion-vit's 0.6 s (features: 68 s), and the median depth of 10 splits
     * is the median of 20 where one split's depth is not (shirt-vs-tshirt: layer 4 from the single default split,
     * median 2 over 10 and over 20).
     */
    public static final int DEFAULT_SPLITS = 10;
    /** Most splits accepted. */
    public static final int MAX_SPLITS = 100;

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
        java.util.Objects.requireNonNull(split, "split");
        if (splits < 1 || splits > MAX_SPLITS) {
            throw new IllegalArgumentException("--splits must be in 1 … " + MAX_SPLITS + ", got " + splits);
        }
        if (split == SplitMode.REFERENCE && stratified) {
            throw new IllegalArgumentException("--split reference is not stratified (as the CD repository's); "
                    + "drop --stratified or use --split seeded");
        }
        if (split == SplitMode.REFERENCE && (seed < 0 || seed + splits - 1 > 0xffffffffL)) {
            throw new IllegalArgumentException("--split reference needs seeds in 0 … 4294967295 (NumPy's), got "
                    + seed + (splits > 1 ? " … " + (seed + splits - 1) : ""));
        }
    }

    /** The reference's settings. */
    public static ProbeParameters defaults() {
        return new ProbeParameters("layers", TokenPooling.CLS, 0.4, 42, false, false, 1.0, 100, 1e-4, 0.95, 0.01, 0,
                Precision.FP32, 0, ProbeSolver.NEWTON, DEFAULT_SPLITS, SplitMode.SEEDED);
    }

    public ProbeParameters withNoise(double sigma) {
        return new ProbeParameters(points, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, sigma, precision, maxSamples, solver, splits, split);
    }

    public ProbeParameters withPooling(TokenPooling t) {
        return new ProbeParameters(points, t, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, precision, maxSamples, solver, splits, split);
    }

    public ProbeParameters withPrecision(Precision p) {
        return new ProbeParameters(points, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, p, maxSamples, solver, splits, split);
    }

    public ProbeParameters withPoints(String spec) {
        return new ProbeParameters(spec, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, precision, maxSamples, solver, splits, split);
    }

    public ProbeParameters withMaxSamples(int n) {
        return new ProbeParameters(points, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, precision, n, solver, splits, split);
    }

    public ProbeParameters withSolver(ProbeSolver s) {
        return new ProbeParameters(points, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, precision, maxSamples, s, splits, split);
    }

    public ProbeParameters withSplits(int k, SplitMode mode) {
        return new ProbeParameters(points, pooling, testFraction, seed, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, precision, maxSamples, solver, k, mode);
    }

    public ProbeParameters withSeed(long s) {
        return new ProbeParameters(points, pooling, testFraction, s, stratified, standardise, c, maxIter, tol, tau,
                epsilon, noiseSigma, precision, maxSamples, solver, splits, split);
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
        m.put("splits", splits);
        m.put("split", split.toString());
        return m;
    }

    /**
     * Reads {@link #toMap} output; missing keys take {@link #defaults()}' values, except a missing
     * {@code splits}, which is 1: entries written before repeated splits existed replay as recorded. A value of the
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
                    "epsilon", "noise", "precision", "maxSamples", "solver", "splits", "split");
            return new ProbeParameters(r.string("points", d.points), TokenPooling.parse(r.string("token", "cls")),
                    r.decimal("testFraction", d.testFraction), r.longNumber("seed", d.seed),
                    r.bool("stratified", d.stratified), r.bool("standardise", d.standardise),
                    r.decimal("c", d.c), r.wholeNumber("maxIter", d.maxIter),
                    r.decimal("tol", d.tol), r.decimal("tau", d.tau),
                    r.decimal("epsilon", d.epsilon), r.decimal("noise", d.noiseSigma),
                    Precision.parse(r.string("precision", "fp32")), r.wholeNumber("maxSamples", d.maxSamples),
                    ProbeSolver.parse(r.string("solver", "newton")), r.wholeNumber("splits", 1),
                    SplitMode.parse(r.string("split", "seeded")));
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
