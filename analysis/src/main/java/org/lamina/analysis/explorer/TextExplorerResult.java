package org.lamina.analysis.explorer;

import org.lamina.analysis.lm.NextTokenPrediction;
import org.lamina.analysis.logitlens.LogitLens;

import java.util.Arrays;
import java.util.List;

/**
 * The explorer's text view of one prompt: its tokens, the next-token candidates after the last
 * token, the logit lens (every layer × every position), the attention probabilities of one block
 * per head, and the values of one per-token probe point at every token.
 *
 * @param model          model name
 * @param request        what was asked
 * @param tokens         the prompt's token strings (BOS included when the manifest adds one)
 * @param ids            their ids
 * @param truncated      whether the prompt was cut to the model's maximum length
 * @param next           the {@code request.topK()} most probable next tokens, most probable first
 * @param lens           the logit lens of the prompt
 * @param heads          number of attention heads of {@code request.attentionBlock()}
 * @param attention      {@code [heads, S, S]} row-major: head h, query position q, key position k
 * @param pointWidth     width d of {@code request.point()}
 * @param activation     {@code [S, d]} row-major values of the point
 */
public record TextExplorerResult(String model, TextExplorerRequest request, List<String> tokens, long[] ids,
                                 boolean truncated, List<NextTokenPrediction.Candidate> next, LogitLens.Result lens,
                                 int heads, float[] attention, int pointWidth, float[] activation) {

    /** Number of token positions S. */
    public int positions() {
        return ids.length;
    }

    /** Attention weight of head {@code h}, query {@code q}, key {@code k}. */
    public float attention(int h, int q, int k) {
        int s = positions();
        return attention[(h * s + q) * s + k];
    }

    /** The point's values at token position {@code t} (a copy), for the histogram. */
    public float[] activationAt(int t) {
        if (t < 0 || t >= positions()) {
            throw new IllegalArgumentException("token position " + t + " is outside 0 … " + (positions() - 1));
        }
        return Arrays.copyOfRange(activation, t * pointWidth, (t + 1) * pointWidth);
    }
}
