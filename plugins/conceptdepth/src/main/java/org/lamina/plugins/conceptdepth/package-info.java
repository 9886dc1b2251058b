/**
 * The concept-depth panel: layer-wise linear probing of concepts (Jin et al. 2024, "Exploring
 * Concept Depth"; spec shared/specs/conceptdepth.md) on the open model and any others for the
 * relative-depth overlay, with a noise/precision variant and the logit lens. The computation is
 * {@link org.lamina.analysis.conceptdepth}; this package only builds the form, runs it as a job and
 * shows the figures.
 */
package org.lamina.plugins.conceptdepth;
