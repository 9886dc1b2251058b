package org.lamina.analysis.craft;

import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.Locale;

/**
 * The concept decompositions of Fel et al., NeurIPS 2023, "A Holistic Approach to Unifying
 * Automatic Concept Extraction and Concept Importance Estimation" (§3): each solves
 * min_{U, W} ||A − U·W||²_F under its own constraints, and each comes with the encoding of new
 * activations that solves the same problem with W fixed. Sobol importance then masks U exactly
 * as for NMF. The authors' implementations (KempnerInstitute/overcomplete, used by Xplique's
 * holistic CRAFT) wrap scikit-learn; Lamina follows them, with the deviations named per class.
 *
 * <ul>
 *   <li>{@code nmf}: U ≥ 0, W ≥ 0 (CRAFT's; {@link NonNegativeFactorization}); encode: exact NNLS.
 *       Needs A ≥ 0.</li>
 *   <li>{@code semi-nmf}: U ≥ 0, W free (Ding, Li &amp; Jordan 2010; {@link SemiNmf}); encode: NNLS.</li>
 *   <li>{@code pca}: W orthonormal, centred (sklearn {@code PCA}, as overcomplete's {@code OptimPCA});
 *       encode: (a − μ)·Wᵀ ({@link PrincipalComponents}).</li>
 *   <li>{@code kmeans}: U one-hot ({@link KMeansConcepts}); encode: nearest centroid.</li>
 *   <li>{@code sparse}: U ≥ 0 with an ℓ1 penalty α, atoms of norm ≤ 1 (sklearn
 *       {@code DictionaryLearning(positive_code=True)}, as overcomplete's
 *       {@code OptimDictionaryLearning}; {@link SparseDictionary}); encode: non-negative lasso.</li>
 * </ul>
 */
public enum Decomposition {
    NMF("nmf", true),
    SEMI_NMF("semi-nmf", false),
    PCA("pca", false),
    KMEANS("kmeans", false),
    SPARSE("sparse", false);

    /** sparse's ℓ1 weight α when none is given: overcomplete's default {@code sparsity=1.0}. */
    public static final double DEFAULT_SPARSE_ALPHA = 1.0;

    private final String id;
    private final boolean needsNonNegative;

    Decomposition(String id, boolean needsNonNegative) {
        this.id = id;
        this.needsNonNegative = needsNonNegative;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return id;
    }

    /** Whether A must be ≥ 0 (only NMF). */
    public boolean needsNonNegative() {
        return needsNonNegative;
    }

    /** Whether codes are ≥ 0 (NMF, semi-NMF, k-means, sparse) — all but PCA. */
    public boolean nonNegativeCodes() {
        return this != PCA;
    }

    public static String[] ids() {
        return Arrays.stream(values()).map(Decomposition::id).toArray(String[]::new);
    }

    /** The decompositions that accept activations with negative values, for messages. */
    public static String forSignedActivations() {
        return String.join(", ", Arrays.stream(values()).filter(d -> !d.needsNonNegative).map(Decomposition::id).toList());
    }

    public static Decomposition parse(String text) {
        if (text != null) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (Decomposition d : values()) {
                if (d.id.equals(t)) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("decomposition must be one of " + String.join("|", ids()) + ", got '" + text + "'");
    }

    /**
     * Fits A ≈ U·W (+ offset) with r concepts. NMF runs exactly as before ({@code nmf}'s solver,
     * tolerance and iteration limit); {@code nmf.seed()} seeds the others; sparse uses
     * {@code sparseAlpha}.
     */
    public ConceptBank fit(NDManager manager, RowMajorMatrix a, int rank, NmfSettings nmf, double sparseAlpha) {
        return switch (this) {
            case NMF -> ConceptBank.of(NonNegativeFactorization.fit(manager, a, rank, nmf), nmf);
            case SEMI_NMF -> SemiNmf.fit(a, rank, nmf.seed(), nmf.tolerance(), nmf.maxIterations());
            case PCA -> PrincipalComponents.fit(manager, a, rank, nmf.seed());
            case KMEANS -> KMeansConcepts.fit(a, rank, nmf.seed());
            case SPARSE -> SparseDictionary.fit(manager, a, rank, sparseAlpha, nmf.seed());
        };
    }
}
