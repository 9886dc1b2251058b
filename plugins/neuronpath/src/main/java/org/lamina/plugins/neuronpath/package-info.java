/**
 * The "Neuron paths" panel (issue #8): runs {@link org.lamina.analysis.neuronpath.NeuronPathAnalysis}
 * as a job on the open ViT and draws its result — the layered path graph per image or class,
 * methods side by side, a neuron's activation distribution and top-exciting images, manipulation
 * bars with the images that flipped. Computation lives in analysis; this is view and glue only.
 */
package org.lamina.plugins.neuronpath;
