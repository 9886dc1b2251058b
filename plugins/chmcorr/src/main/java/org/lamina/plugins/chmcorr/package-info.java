/**
 * The CHM-Corr++ panel (spec shared/specs/chmcorr.md; Taesiri et al. NeurIPS 2022 and the CHM-Corr++
 * interactive study): the query with its paintable G×G map, the decision and vote distribution that
 * follow the paint, the top-5 exemplars with their patch pairs, a kNN row, and the study mode
 * (participant view driven by a protocol, experimenter progress). Computation lives in
 * {@code org.lamina.analysis.chmcorr}; this module only draws and forwards input.
 */
package org.lamina.plugins.chmcorr;
