package org.lamina.analysis.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A scalar per sample whose gradient a run computes. The runner back-propagates the SUM over the
 * batch, so each sample's gradient is that of its own value (samples do not interact in the
 * forward pass of an inference-mode network).
 */
public interface Objective {

    /**
     * Per-sample values, shape {@code [batch]}.
     *
     * @param logits      the run's logits, {@code [batch, classes]}
     * @param activations every probe point the run went through (point name to activation)
     */
    NDArray perSample(NDArray logits, Map<String, NDArray> activations);

    /** Short description for provenance, e.g. {@code softmax[3]}. */
    String description();

    /** The logit of a class: one class for the whole batch, or one per sample. */
    static Objective classLogit(int... classes) {
        requireClasses(classes);
        return new Objective() {
            @Override
            public NDArray perSample(NDArray logits, Map<String, NDArray> activations) {
                return pick(logits, classes);
            }

            @Override
            public String description() {
                return "logit" + describe(classes);
            }
        };
    }

    /** The softmax probability of a class: one class for the whole batch, or one per sample. */
    static Objective classProbability(int... classes) {
        requireClasses(classes);
        return new Objective() {
            @Override
            public NDArray perSample(NDArray logits, Map<String, NDArray> activations) {
                return pick(logits.softmax(1), classes);
            }

            @Override
            public String description() {
                return "softmax" + describe(classes);
            }
        };
    }

    /** A caller-given function of the logits and activations; it must return shape {@code [batch]}. */
    static Objective of(String description, BiFunction<NDArray, Map<String, NDArray>, NDArray> function) {
        Objects.requireNonNull(function, "function");
        return new Objective() {
            @Override
            public NDArray perSample(NDArray logits, Map<String, NDArray> activations) {
                return function.apply(logits, activations);
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    private static void requireClasses(int[] classes) {
        if (classes == null || classes.length == 0) {
            throw new IllegalArgumentException("an objective needs a class index (one, or one per sample)");
        }
    }

    private static String describe(int[] classes) {
        return classes.length == 1 ? "[" + classes[0] + "]" : "[per sample]";
    }

    /** Column {@code classes[0]} of every row, or column {@code classes[i]} of row i. */
    private static NDArray pick(NDArray values, int[] classes) {
        long batch = values.getShape().get(0);
        long width = values.getShape().get(1);
        for (int c : classes) {
            if (c < 0 || c >= width) {
                throw new ModelException("class index " + c + " out of range: the model has " + width + " classes");
            }
        }
        if (classes.length == 1) {
            return values.get(new NDIndex(":, {}", classes[0]));
        }
        if (classes.length != batch) {
            throw new ModelException("objective gives " + classes.length + " class indices for a batch of " + batch);
        }
        long[] idx = new long[classes.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = classes[i];
        }
        NDArray index = values.getManager().create(idx).reshape(batch, 1).toDevice(values.getDevice(), false);
        return values.gather(index, 1).reshape(batch);
    }
}
