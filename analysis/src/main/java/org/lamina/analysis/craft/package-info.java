/**
 * CRAFT — Concept Recursive Activation FacTorization (Fel et al., "CRAFT: Concept Recursive
 * Activation FacTorization for Explainability", CVPR 2023), as specified in
 * {@code shared/specs/craft.md}: crops of a class's images are pushed through the first part g
 * of the model, their activations factorised by non-negative matrix factorisation into concepts
 * ({@link org.lamina.analysis.craft.NonNegativeFactorization}), and each concept's importance for
 * the class logit estimated with Sobol total-order indices ({@link org.lamina.analysis.craft.JansenEstimator}
 * over {@link org.lamina.analysis.craft.SobolMasks}) by running only the rest of the model h from
 * the cut point. Also concept attribution maps, deletion/insertion fidelity curves and recursion
 * into sub-concepts at an earlier cut point. g's activations can come from a feature store
 * instead of the model ({@link org.lamina.analysis.craft.CraftStore}, issue #20). No JavaFX here:
 * the panel and CLI draw these results.
 */
package org.lamina.analysis.craft;
