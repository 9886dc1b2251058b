package org.lamina.analysis.conceptdepth;

import java.util.Locale;

/**
 * Which token of a transformer's {@code [tokens, dim]} activation represents an input (spec:
 * "the CLS token or mean-pooled tokens for ViTs", the last token for decoder LMs). Feature maps
 * {@code [c, h, w]} are always mean-pooled over space (the CNN's pooled representation).
 */
public enum TokenPooling {
    /** Token 0 (a ViT's class token). */
    CLS,
    /** Mean over the patch tokens (every token but the class token when the model has one). */
    MEAN,
    /** The last token (decoder language models). */
    LAST,
    /**
     * No reduction: the whole activation, flattened (feature stores only, {@code --reduce none};
     * a probe needs one vector per item of a fixed length, which this gives only for fixed shapes).
     */
    NONE;

    /** The choices of {@code --token}: every value but {@link #NONE}. */
    public static final java.util.List<TokenPooling> TOKEN_CHOICES = java.util.List.of(CLS, MEAN, LAST);

    /** Parses {@code cls|mean|last} with a clear error. */
    public static TokenPooling parse(String s) {
        try {
            TokenPooling t = valueOf(s.trim().toUpperCase(Locale.ROOT));
            if (t != NONE) {
                return t;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("--token must be cls, mean or last, got '" + s + "'");
    }
}
