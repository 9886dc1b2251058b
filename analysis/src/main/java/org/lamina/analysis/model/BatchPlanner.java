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

    /**
     * Activation bytes per forward batch on the CPU, overridable with {@code -Dlamina.cpuBatchMb}:
     * a batch whose activations spill far out of the caches runs slower per sample. Measured on
     * this 2-core EPYC, fashion-cnn (65 KB of activations a sample), 400 inputs through the
     * whole trace: batch 32–128 took 150–160 ms, 256 took 250–300 ms, 400 at once 650 ms (and
     * the same shape in Python's torch: 125–150 ms at 64, 360 ms at 256, 535 ms at 400).
     */
    public static final long CPU_FORWARD_BYTES = Long.getLong("lamina.cpuBatchMb", 4L) << 20;

    /** Smallest batch {@link #forwardBatchSize} picks on the CPU (below it, per-call overhead dominates). */
    public static final int MIN_CPU_BATCH = 16;

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

    /**
     * Batch size for forward-only passes on {@code device}: on a GPU {@link #batchSize}; on the
     * CPU also at most what fits {@link #CPU_FORWARD_BYTES} (but at least {@link #MIN_CPU_BATCH}).
     */
    public static int forwardBatchSize(ModelManifest manifest, ai.djl.Device device) {
        int budget = batchSize(manifest, false);
        if (device.isGpu()) {
            return budget;
        }
        long cache = CPU_FORWARD_BYTES / Math.max(1, bytesPerSample(manifest, false));
        return (int) Math.min(budget, Math.max(MIN_CPU_BATCH, cache));
    }

    private static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
