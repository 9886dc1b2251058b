/**
 * The information plane of Shwartz-Ziv &amp; Tishby (2017) and Saxe et al. (2018): training of
 * small fully connected networks on the 12-bit task with every layer's activations logged on all
 * 4,096 inputs, mutual-information estimators behind {@link org.lamina.analysis.infoplane.MutualInformationEstimator}
 * (binning by count or by size, KDE bounds, KSG), gradient signal-to-noise per layer, the
 * result record with its JSON/NPZ files, and the figures (JFreeChart) shared by the CLI and
 * the panel. Specification: shared/specs/infoplane.md. No JavaFX here.
 */
package org.lamina.analysis.infoplane;
