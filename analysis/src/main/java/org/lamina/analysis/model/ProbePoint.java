package org.lamina.analysis.model;

import java.util.Arrays;

/**
 * A named place in a model's forward pass whose activation can be captured, replaced or
 * differentiated.
 *
 * @param name      the point's name, e.g. {@code "blocks.3.mlp.act"}
 * @param index     position in forward order (0-based); the TorchScript {@code run_from} index
 * @param shape     activation shape of one sample (batch dimension excluded); in a language model
 *                  {@code -1} stands for the sequence length ({@link #shapeFor})
 * @param startable whether a run may start at this point with a given tensor ({@code run_from});
 *                  false where the rest of the forward needs more than this activation (for
 *                  example an FFN hidden state without its residual stream)
 */
public record ProbePoint(String name, int index, long[] shape, boolean startable) {

    public ProbePoint {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Whether the shape depends on the sequence length (has a {@code -1}): a language model's point. */
    public boolean perToken() {
        return sequenceAxis() >= 0;
    }

    /**
     * The axis of one sample's activation that runs over the (query) tokens: the first {@code -1}
     * of the shape ({@code 0} for {@code [-1, d]}, {@code 1} for attention {@code [H, -1, -1]}),
     * or {@code -1} for a point without a sequence axis.
     */
    public int sequenceAxis() {
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                return i;
            }
        }
        return -1;
    }

    /** The shape of one sample for a sequence of {@code seq} tokens (every {@code -1} replaced by it). */
    public long[] shapeFor(long seq) {
        long[] s = shape.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0) {
                s[i] = seq;
            }
        }
        return s;
    }

    /** Number of values of one sample's activation (of a per-token point: per token of every {@code -1} axis). */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= Math.abs(d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbePoint p && p.name.equals(name) && p.index == index
                && Arrays.equals(p.shape, shape) && p.startable == startable;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + index;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (startable ? " (startable)" : "");
    }
}
