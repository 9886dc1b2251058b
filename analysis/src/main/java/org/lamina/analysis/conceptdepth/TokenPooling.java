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
    LAST;

    /** Parses {@code cls|mean|last} with a clear error. */
    public static TokenPooling parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--token must be cls, mean or last, got '" + s + "'");
        }
    }
}
