package org.lamina.analysis.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.util.List;

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

    @Override
    void close();
}
