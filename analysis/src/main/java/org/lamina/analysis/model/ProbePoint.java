package org.lamina.analysis.model;

import java.util.Arrays;

/**
 * A named place in a model's forward pass whose activation can be captured, replaced or
 * differentiated.
 *
 * @param name      the point's name, e.g. {@code "blocks.3.mlp.act"}
 * @param index     position in forward order (0-based); the TorchScript {@code run_from} index
 * @param shape     activation shape of one sample (batch dimension excluded)
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

    /** Number of values of one sample's activation. */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
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
