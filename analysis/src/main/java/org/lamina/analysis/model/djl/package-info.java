/**
 * Built-in networks written with DJL blocks ({@link org.lamina.analysis.model.djl.Mlp},
 * {@link org.lamina.analysis.model.djl.SmallCnn}), trainable with DJL's trainer, and the
 * {@link org.lamina.analysis.model.djl.NativeModel} that runs them as probeable models.
 *
 * <p>DJL blocks have no forward hooks, so a {@link org.lamina.analysis.model.djl.StagedNetwork}
 * walks its stages itself and applies captures, replacements and perturbations between them.
 */
package org.lamina.analysis.model.djl;
