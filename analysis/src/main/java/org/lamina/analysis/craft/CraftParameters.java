package org.lamina.analysis.craft;

import org.lamina.analysis.session.ParameterMap;

/**
 * What a CRAFT run does (shared/specs/craft.md), with documented defaults; the CLI options and
 * the panel's form both fill this record.
 *
 * @param data       data set the class's images come from (default {@code sample:fashion-train})
 * @param layer      cut point f = h∘g; {@code null} = the last spatial startable point
 *                   ({@link CraftAnalysis#defaultLayer})
 * @param classIndex class whose images are explained (logit index)
 * @param images     at most this many images of the class, first in data-set order (default 500,
 *                   the spec's recommendation)
 * @param rank       number of concepts r (default 10; the paper uses 25)
 * @param patch      crop side in pixels; 0 = {@link CropGrid#defaultPatch}
 * @param designs    Sobol designs N (default 32)
 * @param seed       seed of NMF initialisation and the random ranking (default 0)
 * @param alphaW     NMF L2 penalty on U (default 0)
 * @param batchSize  rows per engine run; 0 = from the memory budget ({@code BatchPlanner})
 * @param fidelity   whether to compute the gradients, occlusion and deletion/insertion curves
 *                   (default true; the reference CRAFT pipeline stops after Sobol)
 * @param nmfSolver  NMF sweeps per half-step ({@link NmfSolver}): {@code reference} (default,
 *                   sklearn's — the reference CRAFT's concept bank) or {@code accelerated}
 * @param maxIter    NMF iteration limit, 1 … 100000 (sklearn's {@code max_iter}; default 200)
 * @param tol        NMF stopping tolerance on the violation ratio, in (0, 1) (sklearn's {@code tol};
 *                   default 1e-4)
 * @param decomposition how A is factorised ({@link Decomposition}, Fel et al. NeurIPS 2023);
 *                   {@code null} = NMF when the activations are ≥ 0, and a refusal naming the
 *                   decompositions that accept signed activations otherwise: which decomposition
 *                   explains a model changes what its concepts are, so Lamina does not pick one
 *                   behind the user's back ({@link CraftAnalysis#run} records the one used)
 * @param sparseAlpha ℓ1 weight α of {@code sparse} (absolute, sklearn's convention; default
 *                   {@link Decomposition#DEFAULT_SPARSE_ALPHA}), ≥ 0
 */
public record CraftParameters(String data, String layer, int classIndex, int images, int rank, int patch,
                              int designs, long seed, double alphaW, int batchSize, boolean fidelity,
                              NmfSolver nmfSolver, int maxIter, double tol, Decomposition decomposition,
                              double sparseAlpha) {

    public static final String DEFAULT_DATA = "sample:fashion-train";
    public static final int DEFAULT_IMAGES = 500;
    public static final int DEFAULT_RANK = 10;

    public CraftParameters {
        if (data == null || data.isBlank()) {
            throw new IllegalArgumentException("--data must name a data set (e.g. " + DEFAULT_DATA + ")");
        }
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1, got " + images);
        }
        if (rank < 1) {
            throw new IllegalArgumentException("--rank must be at least 1, got " + rank);
        }
        if (patch < 0) {
            throw new IllegalArgumentException("--patch must be at least 1 (or 0 for the default), got " + patch);
        }
        if (designs < 2) {
            throw new IllegalArgumentException("--designs must be at least 2 (the Jansen variance needs N − 1 > 0), got " + designs);
        }
        if (!(alphaW >= 0) || Double.isInfinite(alphaW)) {
            throw new IllegalArgumentException("--alpha-w must be ≥ 0, got " + alphaW);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("--batch must be ≥ 0 (0 = from the memory budget), got " + batchSize);
        }
        if (nmfSolver == null) {
            throw new IllegalArgumentException("--nmf-solver must be one of " + java.util.Arrays.toString(NmfSolver.ids()));
        }
        if (maxIter < 1 || maxIter > 100_000) {
            throw new IllegalArgumentException("--max-iter must be 1 to 100000, got " + maxIter);
        }
        if (!(tol > 0 && tol < 1)) {
            throw new IllegalArgumentException("--tol must be in (0, 1), got " + tol);
        }
        if (!(sparseAlpha >= 0) || Double.isInfinite(sparseAlpha)) {
            throw new IllegalArgumentException("--sparse-alpha must be ≥ 0, got " + sparseAlpha);
        }
    }

    /** NMF when the activations allow it (no decomposition chosen), sparse α at its default. */
    public CraftParameters(String data, String layer, int classIndex, int images, int rank, int patch,
                           int designs, long seed, double alphaW, int batchSize, boolean fidelity,
                           NmfSolver nmfSolver, int maxIter, double tol) {
        this(data, layer, classIndex, images, rank, patch, designs, seed, alphaW, batchSize, fidelity, nmfSolver, maxIter,
                tol, null, Decomposition.DEFAULT_SPARSE_ALPHA);
    }

    /** The reference NMF solver with sklearn's iteration limit and tolerance. */
    public CraftParameters(String data, String layer, int classIndex, int images, int rank, int patch,
                           int designs, long seed, double alphaW, int batchSize, boolean fidelity) {
        this(data, layer, classIndex, images, rank, patch, designs, seed, alphaW, batchSize, fidelity,
                NmfSolver.REFERENCE, NmfSettings.DEFAULT_MAX_ITERATIONS, NmfSettings.DEFAULT_TOLERANCE);
    }

    /** The NMF settings these parameters ask for. */
    public NmfSettings nmfSettings() {
        return new NmfSettings(tol, maxIter, alphaW, seed, nmfSolver);
    }

    /** Defaults for a class. */
    public static CraftParameters defaults(int classIndex) {
        return new CraftParameters(DEFAULT_DATA, null, classIndex, DEFAULT_IMAGES, DEFAULT_RANK, 0,
                SobolMasks.DEFAULT_DESIGNS, 0, 0, 0, true);
    }

    public CraftParameters withLayer(String l) {
        return new CraftParameters(data, l, classIndex, images, rank, patch, designs, seed, alphaW, batchSize, fidelity,
                nmfSolver, maxIter, tol, decomposition, sparseAlpha);
    }

    public CraftParameters withImages(int n) {
        return new CraftParameters(data, layer, classIndex, n, rank, patch, designs, seed, alphaW, batchSize, fidelity,
                nmfSolver, maxIter, tol, decomposition, sparseAlpha);
    }

    public CraftParameters withRank(int r) {
        return new CraftParameters(data, layer, classIndex, images, r, patch, designs, seed, alphaW, batchSize, fidelity,
                nmfSolver, maxIter, tol, decomposition, sparseAlpha);
    }

    public CraftParameters withPatch(int p) {
        return new CraftParameters(data, layer, classIndex, images, rank, p, designs, seed, alphaW, batchSize, fidelity,
                nmfSolver, maxIter, tol, decomposition, sparseAlpha);
    }

    public CraftParameters withData(String d) {
        return new CraftParameters(d, layer, classIndex, images, rank, patch, designs, seed, alphaW, batchSize, fidelity,
                nmfSolver, maxIter, tol, decomposition, sparseAlpha);
    }

    public CraftParameters withDesigns(int n) {
        return new CraftParameters(data, layer, classIndex, images, rank, patch, n, seed, alphaW, batchSize, fidelity,
                nmfSolver, maxIter, tol, decomposition, sparseAlpha);
    }

    public CraftParameters withSeed(long s) {
        return new CraftParameters(data, layer, classIndex, images, rank, patch, designs, s, alphaW, batchSize, fidelity,
                nmfSolver, maxIter, tol, decomposition, sparseAlpha);
    }

    public CraftParameters withFidelity(boolean f) {
        return new CraftParameters(data, layer, classIndex, images, rank, patch, designs, seed, alphaW, batchSize, f,
                nmfSolver, maxIter, tol, decomposition, sparseAlpha);
    }

    public CraftParameters withClass(int c) {
        return new CraftParameters(data, layer, c, images, rank, patch, designs, seed, alphaW, batchSize, fidelity,
                nmfSolver, maxIter, tol, decomposition, sparseAlpha);
    }

    public CraftParameters withNmf(NmfSolver solver, int iterations, double tolerance) {
        return new CraftParameters(data, layer, classIndex, images, rank, patch, designs, seed, alphaW, batchSize, fidelity,
                solver, iterations, tolerance, decomposition, sparseAlpha);
    }

    /** The same with another decomposition ({@code null} = NMF where activations allow it). */
    public CraftParameters withDecomposition(Decomposition d) {
        return new CraftParameters(data, layer, classIndex, images, rank, patch, designs, seed, alphaW, batchSize, fidelity,
                nmfSolver, maxIter, tol, d, sparseAlpha);
    }

    public CraftParameters withSparseAlpha(double a) {
        return new CraftParameters(data, layer, classIndex, images, rank, patch, designs, seed, alphaW, batchSize, fidelity,
                nmfSolver, maxIter, tol, decomposition, a);
    }

    /** The parameters as plain values (for sessions); {@link #fromMap} reads them back. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("data", data);
        m.put("layer", layer);
        m.put("class", classIndex);
        m.put("images", images);
        m.put("rank", rank);
        m.put("patch", patch);
        m.put("designs", designs);
        m.put("seed", seed);
        m.put("alphaW", alphaW);
        m.put("batchSize", batchSize);
        m.put("fidelity", fidelity);
        m.put("nmfSolver", nmfSolver.id());
        m.put("maxIter", maxIter);
        m.put("tol", tol);
        m.put("decomposition", decomposition == null ? null : decomposition.id());
        m.put("sparseAlpha", sparseAlpha);
        return m;
    }

    /**
     * Reads {@link #toMap} output (also after a JSON round trip, where numbers come back as
     * Integer, Long or Double). {@code class} is required; other missing keys take
     * {@link #defaults}' values; a missing or {@code null} {@code layer} is the default cut point.
     * A missing or negative {@code class}, a value of the wrong JSON type, a fraction where a whole
     * number belongs and an unknown key are errors that name the key.
     */
    public static CraftParameters fromMap(java.util.Map<String, Object> m) {
        if (m == null || m.get("class") == null) {
            throw new IllegalArgumentException("CRAFT parameter 'class' is missing (the class index the run explains)");
        }
        ParameterMap r = new ParameterMap(m, "CRAFT parameter", IllegalArgumentException::new)
                .allowOnly("data", "layer", "class", "images", "rank", "patch", "designs", "seed", "alphaW", "batchSize",
                        "fidelity", "nmfSolver", "maxIter", "tol", "decomposition", "sparseAlpha");
        int classIndex = r.requiredWholeNumber("class");
        if (classIndex < 0) {
            throw new IllegalArgumentException("CRAFT parameter 'class' must be a class index (at least 0), got " + classIndex);
        }
        CraftParameters d = defaults(classIndex);
        return new CraftParameters(r.string("data", d.data()), r.string("layer", null), classIndex,
                r.wholeNumber("images", d.images()), r.wholeNumber("rank", d.rank()), r.wholeNumber("patch", d.patch()),
                r.wholeNumber("designs", d.designs()), r.longNumber("seed", d.seed()),
                r.decimal("alphaW", d.alphaW()), r.wholeNumber("batchSize", d.batchSize()),
                r.has("fidelity") ? (Boolean) r.typed(m.get("fidelity"), Boolean.class, "fidelity", "true or false")
                        : d.fidelity(),
                r.has("nmfSolver") ? solver(r.string("nmfSolver", null)) : d.nmfSolver(),
                r.wholeNumber("maxIter", d.maxIter()), r.decimal("tol", d.tol()),
                decomposition(r.string("decomposition", null)), r.decimal("sparseAlpha", d.sparseAlpha()));
    }

    private static Decomposition decomposition(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Decomposition.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CRAFT parameter 'decomposition' " + e.getMessage().replace("decomposition ", ""));
        }
    }

    private static NmfSolver solver(String text) {
        try {
            return NmfSolver.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CRAFT parameter 'nmfSolver' " + e.getMessage().replace("NMF solver ", ""));
        }
    }
}
