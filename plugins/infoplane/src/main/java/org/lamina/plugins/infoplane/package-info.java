/**
 * The information-plane panel: trains the 12-bit task's MLP (Shwartz-Ziv &amp; Tishby 2017;
 * Saxe et al. 2018) and shows I(X;T) and I(T;Y) of every layer live as epochs are logged, the
 * MI-vs-epoch small multiples and the gradient SNR, optionally overlaid on the previous run. The
 * training, the estimators and the figures live in {@code org.lamina.analysis.infoplane}; this
 * package only turns the form into a job and shows the figures.
 */
package org.lamina.plugins.infoplane;
