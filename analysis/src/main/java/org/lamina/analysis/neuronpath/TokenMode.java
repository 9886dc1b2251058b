package org.lamina.analysis.neuronpath;

/**
 * Which token's FFN activations are the neurons (spec "What a neuron is").
 */
public enum TokenMode {
    /** The CLS token (ViT with a class token; the paper's ViT-B/L experiments). */
    CLS,
    /**
     * The same channel over all patch tokens (global-pool models, the paper's MAE runs). As in the
     * reference, the joint attribution score (and the IG baseline) is computed per patch token —
     * scaled runs that scale the channel at that token only — and summed over the tokens; see
     * {@link PathSearch}. The displayed neuron value is the channel's sum over patch tokens, the
     * activation baseline ranks that sum, and manipulation edits the channel on every patch token.
     * (Lamina's first version scored the channel sum as one neuron, dividing by it, which picked
     * channels whose sum is near 0.)
     */
    PATCH_SUM
}
