/**
 * The model explorer's computation and figures: one run of a model on one image that returns
 * the class probabilities, the activation at a probe point and the input-gradient saliency of a
 * class ({@link org.lamina.analysis.explorer.ExplorerAnalysis}), and the figures drawn from it
 * ({@link org.lamina.analysis.explorer.ExplorerFigures}): top-k bars, channel / token /
 * attention maps, an activation histogram and the saliency overlay.
 */
package org.lamina.analysis.explorer;
