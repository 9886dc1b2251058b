package org.lamina.analysis.explorer;

import java.util.Objects;

/**
 * What the explorer's text view computes for one prompt (issue #18, "Explorer for text").
 *
 * @param text           the prompt
 * @param attentionBlock block whose attention probabilities ({@code blocks.i.attn.probs}) are shown per head
 * @param point          a per-token probe point {@code [seq, d]} whose values at each token feed the histogram
 * @param topK           how many next-token candidates to keep (1 … 100)
 */
public record TextExplorerRequest(String text, int attentionBlock, String point, int topK) {

    /** Most next-token candidates kept. */
    public static final int MAX_TOP_K = 100;

    public TextExplorerRequest {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(point, "point");
        if (text.isBlank()) {
            throw new IllegalArgumentException("the prompt is empty: type a text to explore");
        }
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new IllegalArgumentException("top-k must be 1 … " + MAX_TOP_K + ", got " + topK);
        }
        if (attentionBlock < 0) {
            throw new IllegalArgumentException("attention block must be >= 0, got " + attentionBlock);
        }
    }
}
