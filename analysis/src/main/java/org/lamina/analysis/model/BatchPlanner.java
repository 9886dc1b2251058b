package org.lamina.analysis.model;

/**
 * Chooses batch sizes from a memory budget, never "all at once" (DESIGN.md §2). A forward pass
 * materialises every probe point's activation; a gradient pass keeps them for the backward and
 * adds gradients of the same size, so it is counted twice.
 */
public final class BatchPlanner {

    /** Default budget per run, overridable with {@code -Dlamina.memoryBudgetMb}. */
    public static final long DEFAULT_BUDGET_BYTES = Long.getLong("lamina.memoryBudgetMb", 512L) << 20;

    /** Upper bound on batch size: beyond it there is no speed to gain on CPU or a small GPU. */
    public static final int MAX_BATCH = 1024;

    private BatchPlanner() {
    }

    /** Bytes one sample needs in a run of this model (float32 activations). */
    public static long bytesPerSample(ModelManifest manifest, boolean withGradient) {
        long values = size(manifest.input().shape()) + manifest.labels().size();
        for (ProbePoint p : manifest.probePoints()) {
            values += p.size();
        }
        return values * Float.BYTES * (withGradient ? 3 : 1);
    }

    /** The largest batch size within {@code budgetBytes}, at least 1 and at most {@link #MAX_BATCH}. */
    public static int batchSize(ModelManifest manifest, long budgetBytes, boolean withGradient) {
        long perSample = Math.max(1, bytesPerSample(manifest, withGradient));
        return (int) Math.max(1, Math.min(MAX_BATCH, budgetBytes / perSample));
    }

    /** {@link #batchSize} with the default budget. */
    public static int batchSize(ModelManifest manifest, boolean withGradient) {
        return batchSize(manifest, DEFAULT_BUDGET_BYTES, withGradient);
    }

    private static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
