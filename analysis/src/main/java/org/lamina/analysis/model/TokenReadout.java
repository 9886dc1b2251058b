package org.lamina.analysis.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * How a language model's per-token point is read per row (issue #18, DESIGN.md §7 "token
 * reductions are the runner's"): at the row's last real token, or as the mean over its real
 * tokens. Rows are right-padded, so row {@code b}'s real tokens are positions
 * {@code 0 … lengths[b]-1}; nothing at a pad position enters a result. With causal attention a
 * real token never sees a pad token either, so a readout does not depend on how much padding a
 * batch has.
 *
 * <p>The reduction runs over a point's (query) sequence axis ({@link ProbePoint#sequenceAxis()}):
 * {@code [B, S, d] -> [B, d]}, attention probabilities {@code [B, H, S, S] -> [B, H, S]} (the
 * last real query's row, or the mean of the real queries' rows). It is built from indexing and
 * means, so gradients flow through it (an objective on read-out logits can be differentiated).
 *
 * @param mode    last real token or mean over real tokens
 * @param lengths real tokens per row, each at least 1
 */
public record TokenReadout(Mode mode, int[] lengths) {

    /** Which token(s) of a row a read-out takes. */
    public enum Mode {
        /** The row's last real token ({@code lengths[b] - 1}): what a next-token prediction reads. */
        LAST,
        /** The mean over the row's real tokens. */
        MEAN
    }

    public TokenReadout {
        java.util.Objects.requireNonNull(mode, "mode");
        lengths = lengths.clone();
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 1) {
                throw new IllegalArgumentException("row " + i + " has length " + lengths[i] + "; every row needs a real token");
            }
        }
    }

    /** The last real token of each row. */
    public static TokenReadout last(int... lengths) {
        return new TokenReadout(Mode.LAST, lengths);
    }

    /** The mean over the real tokens of each row. */
    public static TokenReadout mean(int... lengths) {
        return new TokenReadout(Mode.MEAN, lengths);
    }

    @Override
    public int[] lengths() {
        return lengths.clone();
    }

    /** Checks the lengths against a batch of {@code batch} rows of {@code seq} tokens. */
    public void check(long batch, long seq) {
        if (lengths.length != batch) {
            throw new ModelException("token read-out has " + lengths.length + " row lengths for a batch of " + batch + " rows");
        }
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] > seq) {
                throw new ModelException("token read-out: row " + i + " has length " + lengths[i] + " but the batch has only "
                        + seq + " positions");
            }
        }
    }

    /**
     * Reduces {@code a} ({@code [B, ...]} with the sequence on {@code axis}, counted with the
     * batch axis) per row. The result lives where {@code a}'s manager puts new arrays.
     *
     * <p>Vectorised over the batch (issue #19: one indexing op instead of one per row, which
     * dominated feature extraction of small LMs): the sequence axis is moved next to the batch
     * axis; {@code last} takes the rows {@code b·S + lengths[b] − 1} of the {@code [B·S, …]}
     * view with a boolean mask; {@code mean} sums the positions weighted by
     * {@code 1/lengths[b]} at real positions and 0 at padding. Both are differentiable.
     */
    public NDArray apply(NDArray a, int axis) {
        long batch = a.getShape().get(0);
        int dims = a.getShape().dimension();
        if (axis < 1 || axis >= dims) {
            throw new ModelException("token read-out: axis " + axis + " is not a sequence axis of shape " + a.getShape());
        }
        check(batch, a.getShape().get(axis));
        int seq = (int) a.getShape().get(axis);
        NDArray moved = a;
        if (axis != 1) {
            int[] order = new int[dims];
            order[0] = 0;
            order[1] = axis;
            for (int i = 1, k = 2; i < dims; i++) {
                if (i != axis) {
                    order[k++] = i;
                }
            }
            moved = a.transpose(order);
        }
        long[] rest = java.util.Arrays.copyOfRange(moved.getShape().getShape(), 2, dims);
        long restSize = 1;
        for (long r : rest) {
            restSize *= r;
        }
        NDManager m = a.getManager();
        long[] outShape = new long[dims - 1];
        outShape[0] = batch;
        System.arraycopy(rest, 0, outShape, 1, rest.length);
        if (mode == Mode.LAST) {
            boolean[] pick = new boolean[(int) batch * seq];
            for (int b = 0; b < batch; b++) {
                pick[b * seq + lengths[b] - 1] = true;
            }
            NDArray mask = m.create(pick).toDevice(a.getDevice(), false);
            return moved.reshape(batch * seq, restSize).get(mask).reshape(new Shape(outShape));
        }
        float[] w = new float[(int) batch * seq];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                w[b * seq + t] = 1f / lengths[b];
            }
        }
        NDArray weights = m.create(w, new Shape(batch, seq, 1)).toDevice(a.getDevice(), false);
        return moved.reshape(batch, seq, restSize).mul(weights).sum(new int[] {1}).reshape(new Shape(outShape));
    }

    /** Reduces a point's batched activation along its sequence axis. */
    public NDArray apply(NDArray a, ProbePoint point) {
        int axis = point.sequenceAxis();
        if (axis < 0) {
            throw new ModelException("probe point '" + point.name() + "' has no token axis (shape "
                    + Arrays.toString(point.shape()) + "): a token read-out does not apply");
        }
        return apply(a, axis + 1);
    }
}
