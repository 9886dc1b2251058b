package org.lamina.analysis.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A model that can be read, written and differentiated at named probe points (DESIGN.md §2).
 * Every analysis in Lamina runs models only through this interface.
 */
public interface ProbeableModel extends AutoCloseable {

    /** The manifest the model was opened from. */
    ModelManifest manifest();

    /** Probe points in forward order. */
    default List<ProbePoint> probePoints() {
        return manifest().probePoints();
    }

    /** The device the model runs on. */
    Device device();

    /**
     * Runs one batched forward pass (with gradients when the request asks for them). All
     * intermediate tensors live in a scope that is closed before this returns; the results are
     * attached to {@code resultManager}.
     */
    Trace run(NDManager resultManager, RunRequest request);

    /** SHA-256 of the weights file, hex, for provenance. */
    String weightsSha256();

    /** Number of trainable parameters (weights), for display. */
    long parameterCount();

    /**
     * Replaces every float32 weight (each parameter of the model) in place by
     * {@code rounding.applyAsDouble(value)} cast back to float, e.g. rounding to the nearest
     * fp16 or bf16 value for a reduced-precision experiment. This is fake quantisation: the
     * weights stay stored as float32 and every kernel still runs in float32. It alters this
     * open model for the rest of its life, so open a separate copy for such a variant
     * ({@code ModelLoader.open(manifest().directory(), device())}); {@link #weightsSha256()}
     * still names the file the model was loaded from. Buffers that are not parameters (e.g. a
     * TorchScript module's batch-norm running statistics) are left as they are.
     *
     * @throws UnsupportedOperationException when the back-end cannot change its weights
     */
    default void roundWeights(DoubleUnaryOperator rounding) {
        throw new UnsupportedOperationException(manifest().name() + ": this back-end cannot round its weights");
    }

    /**
     * A change of one weight tensor as a whole (e.g. int8 rounding with one scale per output
     * channel, which needs the whole row): gets the parameter's shape and its float32 values
     * (row-major, a copy) and returns the new values, same length.
     */
    @FunctionalInterface
    interface WeightTransform {
        float[] apply(long[] shape, float[] values);
    }

    /**
     * Replaces every float32 parameter in place by {@code transform}'s result: as
     * {@link #roundWeights}, but per tensor instead of per value (same caveats: fake
     * quantisation, alters this open model for the rest of its life).
     *
     * @throws UnsupportedOperationException when the back-end cannot change its weights
     */
    default void transformWeights(WeightTransform transform) {
        throw new UnsupportedOperationException(manifest().name() + ": this back-end cannot change its weights");
    }

    @Override
    void close();
}
