package org.lamina.analysis.neuronpath;

/**
 * Which token's FFN activations are the neurons (spec "What a neuron is").
 */
public enum TokenMode {
    /** The CLS token (ViT with a class token; the paper's ViT-B/L experiments). */
    CLS,
    /**
     * The same channel summed over all patch tokens (global-pool models, the paper's MAE runs).
     * A neuron's value is {@code s_j = Σ_t a_tj}; scaling it by α scales the channel on every
     * patch token, so its gradient is {@code Σ_t g_tj a_tj / s_j} (chain rule).
     */
    PATCH_SUM
}
