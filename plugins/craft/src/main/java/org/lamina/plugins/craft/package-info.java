/**
 * The CRAFT concepts panel (Fel et al., CVPR 2023; shared/specs/craft.md): a form that turns the
 * user's choices into {@link org.lamina.analysis.craft.CraftParameters}, runs
 * {@link org.lamina.analysis.craft.CraftAnalysis} as a job, and shows the figures of
 * {@link org.lamina.analysis.craft.CraftFigures}. All computation lives in the analysis module.
 */
package org.lamina.plugins.craft;
