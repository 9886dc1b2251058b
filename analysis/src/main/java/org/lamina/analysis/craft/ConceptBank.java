package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Map;

/**
 * A fitted concept decomposition A ≈ U·W (+ offset): the crops' coefficients U ({@code n × r}),
 * the concept bank W ({@code r × C}) and, for PCA only, the mean μ added back to every
 * reconstruction (Fel et al., NeurIPS 2023, §3: every method is a dictionary-learning problem
 * min ||A − UW||² under its own constraints on U and W). {@link #encode} codes new activations
 * with the encoding that matches the decomposition ({@link Decomposition}).
 *
 * @param decomposition which decomposition
 * @param u             {@code n × r} coefficients of the fitted rows
 * @param w             {@code r × C} concept bank
 * @param offset        {@code C} values added to every reconstruction, or {@code null} (all but PCA)
 * @param iterations    iterations the solver ran (0 where it has none: PCA)
 * @param converged     whether it met its tolerance
 * @param relativeError ||A − (UW + offset)||_F / ||A||_F
 * @param details       what the solver did, for craft.json's provenance
 */
public record ConceptBank(Decomposition decomposition, RowMajorMatrix u, RowMajorMatrix w, float[] offset, int iterations,
                          boolean converged, double relativeError, Map<String, Object> details) {

    public ConceptBank {
        details = Map.copyOf(details);
    }

    /** The existing NMF result as a bank. */
    static ConceptBank of(NmfResult nmf, NmfSettings settings) {
        return new ConceptBank(Decomposition.NMF, nmf.u(), nmf.w(), null, nmf.iterations(), nmf.converged(),
                nmf.relativeError(), CraftAnalysis.nmfProvenance(settings, nmf));
    }

    public int rank() {
        return w.rows();
    }

    /** The offset, zeros when there is none ({@code C} values). */
    public float[] offsetOrZero() {
        return offset == null ? new float[w.cols()] : offset.clone();
    }

    /**
     * Codes of every row of {@code x} ({@code [rows, C]}): exact NNLS for NMF (with its α_W ridge) and
     * semi-NMF, the centred projection for PCA, the nearest centroid for k-means, the
     * non-negative lasso for sparse dictionary learning.
     */
    public RowMajorMatrix encode(NDManager manager, NDArray x, NmfSettings nmf, double sparseAlpha) {
        return switch (decomposition) {
            case NMF -> NonNegativeLeastSquares.encode(manager, x, w, nmf);
            case SEMI_NMF -> NonNegativeLeastSquares.encode(manager, x, w, nmf.withAlphaW(0));
            case PCA -> PrincipalComponents.encode(host(x), (int) x.getShape().get(0), w, offset);
            case KMEANS -> KMeansConcepts.encode(host(x), (int) x.getShape().get(0), w);
            case SPARSE -> SparseDictionary.encode(host(x), (int) x.getShape().get(0), w, sparseAlpha);
        };
    }

    private static float[] host(NDArray x) {
        return x.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    }
}
