package org.lamina.analysis.model;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.Map;

/**
 * What one run returns. All arrays live in the manager the caller passed to
 * {@link ProbeableModel#run}, are detached from any autograd graph, and are released when that
 * manager (or this trace) is closed.
 *
 * @param logits        {@code [batch, classes]}; a language model's {@code [batch, seq, vocab]}, or
 *                      {@code [batch, vocab]} with a {@link TokenReadout}
 * @param activations   captured probe points (after any replacement or perturbation)
 * @param gradients     gradient of the objective's batch sum per requested point
 * @param inputGradient gradient w.r.t. the run's input, or {@code null}
 * @param objective     per-sample objective values {@code [batch]}, or {@code null}
 */
public record Trace(
        NDArray logits,
        Map<String, NDArray> activations,
        Map<String, NDArray> gradients,
        NDArray inputGradient,
        NDArray objective) implements AutoCloseable {

    public Trace {
        activations = Collections.unmodifiableMap(activations);
        gradients = Collections.unmodifiableMap(gradients);
    }

    /** A captured activation, or a clear error naming what was captured. */
    public NDArray activation(String point) {
        NDArray a = activations.get(point);
        if (a == null) {
            throw new ModelException("probe point '" + point + "' was not captured in this run; captured: "
                    + activations.keySet());
        }
        return a;
    }

    /** The gradient at a point, or a clear error naming the points that have one. */
    public NDArray gradient(String point) {
        NDArray g = gradients.get(point);
        if (g == null) {
            throw new ModelException("no gradient at '" + point + "' in this run; gradients at: " + gradients.keySet());
        }
        return g;
    }

    @Override
    public void close() {
        logits.close();
        activations.values().forEach(NDArray::close);
        gradients.values().forEach(NDArray::close);
        if (inputGradient != null) {
            inputGradient.close();
        }
        if (objective != null) {
            objective.close();
        }
    }
}
