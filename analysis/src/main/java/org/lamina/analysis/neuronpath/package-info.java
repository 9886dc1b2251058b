/**
 * Influential neuron paths in vision transformers (Wang et al., "Discovering influential neuron
 * paths in vision transformers", ICLR 2025; reference code foundation-model-research/NeuronPath;
 * Lamina spec shared/specs/neuronpath.md).
 *
 * <p>A neuron is the CLS token's FFN activation after GELU at one block ({@code blocks.i.mlp.act},
 * token 0). {@link org.lamina.analysis.neuronpath.PathSearch} runs the layer-progressive search
 * with the joint attribution score (JAS) and the baselines (activation, influence pattern,
 * single-neuron integrated gradients, random), all m scaled runs of a block in one batched
 * forward/backward through the runner; {@link org.lamina.analysis.neuronpath.PathManipulation}
 * removes or enhances path neurons; {@link org.lamina.analysis.neuronpath.ClassStatistics}
 * compares classes by the neurons their paths use; {@link org.lamina.analysis.neuronpath.NeuronPathAnalysis}
 * runs all of it over a data set as a job and returns a {@link org.lamina.analysis.neuronpath.NeuronPathResult}.
 * No JavaFX here.
 */
package org.lamina.analysis.neuronpath;
