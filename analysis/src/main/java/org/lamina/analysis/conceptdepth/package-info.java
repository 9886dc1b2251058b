/**
 * Concept depth: layer-wise linear probing of binary concepts (Jin et al. 2024, "Exploring
 * Concept Depth: How Large Language Models Acquire Knowledge and Concept at Different Layers?",
 * reference code Luckfort/CD). Concept sets ({@link org.lamina.analysis.conceptdepth.ConceptSets}:
 * rule files such as {@code sample:fashion-concepts} or CSV files), one pooled representation per
 * probe point extracted once in batches ({@link org.lamina.analysis.conceptdepth.FeatureExtractor}),
 * an L2 logistic-regression probe per point solved by Newton's method on DJL tensors
 * ({@link org.lamina.analysis.conceptdepth.LogisticProbe}, sklearn's objective), accuracy / F1 /
 * ROC-AUC per layer, the numerical depths of shared/specs/conceptdepth.md
 * ({@link org.lamina.analysis.conceptdepth.ConceptDepth}), selectivity against a control task
 * (Hewitt &amp; Liang 2019), input-noise and reduced-precision variants, the logit lens for
 * transformers, result files and figures shared by the CLI and the panel. No JavaFX here.
 */
package org.lamina.analysis.conceptdepth;
