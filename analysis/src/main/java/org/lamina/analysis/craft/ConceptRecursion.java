package org.lamina.analysis.craft;

import ai.djl.ndarray.NDManager;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;

/**
 * CRAFT's recursion (Fel et al. 2023 §3.2; shared/specs/craft.md §Recursion): the crops that
 * express a concept most (U_i at or above its 90th percentile) are factorised again at an earlier
 * cut point, giving the concept's sub-concepts.
 */
public final class ConceptRecursion {

    /** Percentile of a concept's coefficients above which its crops are refactorised. */
    public static final double CROP_PERCENTILE = 90;

    private ConceptRecursion() {
    }

    /**
     * Sub-concepts of one concept.
     *
     * @param parentConcept the concept refined
     * @param layer         the earlier cut point
     * @param crops         rows of the parent's A that were refactorised
     * @param nmf           the factorisation of their activations at {@code layer}
     * @param topCrops      per sub-concept, parent-A rows of its best crops, best first
     */
    public record SubConcepts(int parentConcept, String layer, int[] crops, NmfResult nmf, int[][] topCrops) {
    }

    /** Refactorises concept {@code concept} of {@code parent} at {@code layer} with {@code rank} sub-concepts. */
    public static SubConcepts run(ProbeableModel model, Dataset data, CraftResult parent, int concept, String layer, int rank,
                                  ProgressSink progress) {
        ModelManifest mf = model.manifest();
        if (concept < 0 || concept >= parent.rank()) {
            throw new IllegalArgumentException("concept " + concept + " does not exist: the result has concepts 0 … " + (parent.rank() - 1));
        }
        ProbePoint point = CraftAnalysis.cutPoint(mf, layer);
        ProbePoint parentPoint = mf.probePoint(parent.layer());
        if (point.index() >= parentPoint.index()) {
            throw new IllegalArgumentException("sub-concepts need a cut point before '" + parent.layer() + "', got '" + layer + "'");
        }
        float[] column = parent.u().column(concept);
        double threshold = ConceptMaps.percentile(column, CROP_PERCENTILE);
        int[] rows = java.util.stream.IntStream.range(0, column.length).filter(i -> column[i] >= threshold && column[i] > 0).toArray();
        CraftAnalysis.Cut cut = CraftAnalysis.Cut.of(mf, point);
        int channels = cut.channels();
        if (rank < 1 || rank > Math.min(rows.length, channels)) {
            throw new IllegalArgumentException("sub-concept rank must be 1 to " + Math.min(rows.length, channels) + " ("
                    + rows.length + " crops express concept " + concept + ", '" + layer + "' has " + channels + " channels), got " + rank);
        }
        long[] shape = mf.input().shape();
        int size = (int) (shape[0] * shape[1] * shape[2]);
        int batch = Math.max(1, parent.parameters().batchSize() > 0 ? parent.parameters().batchSize() : BatchPlanner.forwardBatchSize(mf, model.device()));
        float[] a = new float[rows.length * channels];
        progress.begin((rows.length + batch - 1) / batch + 1);
        progress.message("sub-concepts of concept " + concept + " at " + layer);
        try (NDManager manager = NDManager.newBaseManager(model.device())) {
            for (int from = 0; from < rows.length; from += batch) {
                progress.checkCancelled();
                int to = Math.min(rows.length, from + batch);
                float[] crops = new float[(to - from) * size];
                for (int i = from; i < to; i++) {
                    float[] img = CraftAnalysis.normalised(data, parent.imageOfCrop(rows[i]), mf);
                    parent.crops().extractResized(img, (int) shape[0], parent.positionOfCrop(rows[i]), crops, (i - from) * size);
                }
                float[] pooled = CraftAnalysis.pooledActivations(model, manager, cut, crops, to - from, shape);
                System.arraycopy(pooled, 0, a, from * channels, pooled.length);
                progress.advance(1);
            }
            RowMajorMatrix subA = new RowMajorMatrix(rows.length, channels, a);
            if (subA.min() < 0) {
                // Sub-concepts are NMF's (the paper's recursion); other decompositions are not offered here yet.
                throw new ModelException("activations at '" + layer + "' are negative (min " + subA.min() + "): "
                        + "sub-concepts are refactorised with NMF, which needs g(x) ≥ 0; choose a post-ReLU point");
            }
            NmfResult nmf = NonNegativeFactorization.fit(manager, new RowMajorMatrix(rows.length, channels, a), rank,
                    parent.parameters().nmfSettings());
            progress.advance(1);
            int[][] top = new int[rank][];
            for (int c = 0; c < rank; c++) {
                int[] local = CraftAnalysis.topRows(nmf.u(), c, CraftResult.TOP_CROPS);
                top[c] = java.util.Arrays.stream(local).map(i -> rows[i]).toArray();
            }
            return new SubConcepts(concept, layer, rows, nmf, top);
        }
    }
}
