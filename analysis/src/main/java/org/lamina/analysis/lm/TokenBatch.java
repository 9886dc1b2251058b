package org.lamina.analysis.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.model.TokenReadout;

import java.util.ArrayList;
import java.util.List;

/**
 * Token-id sequences of one batch, right-padded to the longest row with the model's pad id (the
 * causal-LM contract: with causal attention a real token never sees a pad token, so no attention
 * mask is needed and outputs at real positions do not depend on padding).
 *
 * @param rows   the ids of each row, without padding (each at least one id)
 * @param padId  the id that fills a row up to {@link #sequenceLength()}
 * @param truncated for each row, whether the text had more tokens than the model takes and was cut
 */
public record TokenBatch(List<long[]> rows, long padId, boolean[] truncated) {

    public TokenBatch {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a token batch needs at least one row");
        }
        List<long[]> copy = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).length == 0) {
                throw new IllegalArgumentException("row " + i + " has no tokens");
            }
            copy.add(rows.get(i).clone());
        }
        rows = List.copyOf(copy);
        truncated = truncated.clone();
        if (truncated.length != rows.size()) {
            throw new IllegalArgumentException("truncated flags: " + truncated.length + " for " + rows.size() + " rows");
        }
    }

    /** Number of rows. */
    public int size() {
        return rows.size();
    }

    /** Real tokens per row. */
    public int[] lengths() {
        return rows.stream().mapToInt(r -> r.length).toArray();
    }

    /** Positions per row after padding: the longest row. */
    public int sequenceLength() {
        return rows.stream().mapToInt(r -> r.length).max().orElseThrow();
    }

    /** The ids of row {@code i} without padding. */
    public long[] row(int i) {
        return rows.get(i).clone();
    }

    /** The ids {@code [B, S]} (int64), right-padded, in {@code manager}. */
    public NDArray ids(NDManager manager) {
        return ids(manager, sequenceLength());
    }

    /** The ids {@code [B, seq]} right-padded to {@code seq} positions (at least the longest row). */
    public NDArray ids(NDManager manager, int seq) {
        if (seq < sequenceLength()) {
            throw new IllegalArgumentException("cannot pad to " + seq + " positions: the longest row has " + sequenceLength());
        }
        long[] flat = new long[rows.size() * seq];
        java.util.Arrays.fill(flat, padId);
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, i * seq, rows.get(i).length);
        }
        return manager.create(flat, new Shape(rows.size(), seq));
    }

    /** Reading each row at its last real token. */
    public TokenReadout lastToken() {
        return TokenReadout.last(lengths());
    }

    /** Reading each row as the mean over its real tokens. */
    public TokenReadout meanOverTokens() {
        return TokenReadout.mean(lengths());
    }
}
