/**
 * The model runner: one abstraction every analysis uses to read ({@code capture}), write
 * ({@code replace}/perturb) and differentiate activations at named probe points, and to start a
 * run at a cut point. See {@code shared/DESIGN.md} §2.
 *
 * <p>{@link org.lamina.analysis.model.ProbeableModel} is implemented by the built-in DJL networks
 * ({@code model.djl}) and by TorchScript files that follow Lamina's export convention
 * ({@code model.torchscript}). {@link org.lamina.analysis.model.ModelLoader} opens a model
 * directory described by a {@code model.json} ({@link org.lamina.analysis.model.ModelManifest}).
 */
package org.lamina.analysis.model;
