package org.lamina.analysis.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;

import java.lang.management.MemoryUsage;
import java.util.Optional;

/**
 * Gives GPU memory back after a job (issue #17 §2): libtorch's CUDA caching allocator keeps the
 * blocks a job freed for its own later use, so without this a finished CRAFT or neuron-path job
 * would go on holding gigabytes that another program (or the next model) needs. {@link
 * #releaseAfterJob()} empties the cache (DJL's {@code torch.cuda.empty_cache()}) and reports what
 * each GPU holds afterwards; the workbench's job area logs that line. On a machine without a GPU,
 * or before the engine has started, it does nothing.
 */
public final class DeviceMemory {

    private DeviceMemory() {
    }

    /**
     * Empties libtorch's CUDA cache and describes each GPU's memory after it, e.g. {@code GPU 0:
     * 1.2 GiB in use of 80.0 GiB (0.8 GiB released)}; empty when there is no GPU or the engine has
     * not started (nothing can be held then).
     */
    public static Optional<String> releaseAfterJob() {
        if (!ModelRuntime.engineStarted()) {
            return Optional.empty();
        }
        int gpus;
        try {
            gpus = Engine.getEngine(ModelRuntime.ENGINE).getGpuCount();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return Optional.empty();
        }
        if (gpus == 0) {
            return Optional.empty();
        }
        long[] before = new long[gpus];
        for (int i = 0; i < gpus; i++) {
            before[i] = used(i);
        }
        JniUtils.emptyCudaCache();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < gpus; i++) {
            MemoryUsage after = CudaUtils.getGpuMemory(Device.gpu(i));
            if (line.length() > 0) {
                line.append("; ");
            }
            line.append("GPU ").append(i).append(": ").append(MemoryBudget.describe(after.getUsed())).append(" in use of ")
                    .append(MemoryBudget.describe(after.getMax())).append(" (")
                    .append(MemoryBudget.describe(Math.max(0, before[i] - after.getUsed()))).append(" released)");
        }
        return Optional.of(line.toString());
    }

    private static long used(int gpu) {
        try {
            return CudaUtils.getGpuMemory(Device.gpu(gpu)).getUsed();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return 0;
        }
    }
}
