/**
 * The model explorer panel: pick an image, see the top-5 prediction, the activation maps and
 * histogram at the selected probe point, and the input-gradient saliency of a class. The
 * computation and the figures live in {@code org.lamina.analysis.explorer}; this package only
 * turns the user's choices into jobs and shows the figures.
 */
package org.lamina.plugins.explorer;
