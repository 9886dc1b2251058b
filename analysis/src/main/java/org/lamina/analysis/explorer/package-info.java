/**
 * The model explorer's computation and figures: one run of a model on one image that returns
 * the class probabilities, the activation at a probe point and the input-gradient saliency of a
 * class ({@link org.lamina.analysis.explorer.ExplorerAnalysis}), and the figures drawn from it
 * ({@link org.lamina.analysis.explorer.ExplorerFigures}): top-k bars, channel / token /
 * attention maps, an activation histogram and the saliency overlay.
 *
 * <p>For decoder language models (issue #18) the explorer's text view: {@link
 * org.lamina.analysis.explorer.TextExplorerAnalysis} runs one prompt and returns its tokens, the
 * next-token top-k, the logit lens, one block's attention per head and a per-token point's values;
 * {@link org.lamina.analysis.explorer.TextExplorerFigures} draws them. It uses the logit lens of
 * {@code org.lamina.analysis.logitlens}, which is an LM building block of the core (the {@code lens}
 * command and this view share it), not a feature of its own.
 */
package org.lamina.analysis.explorer;
