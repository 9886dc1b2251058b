/**
 * TorchScript back-end: runs {@code .pt} files that follow Lamina's export convention
 * ({@code tools/lamina_export.py}): scripted methods {@code probe_points()},
 * {@code trace(x, replace)} and {@code run_from(point, h, replace)}, where {@code replace} is a
 * {@code Dict[str, Tensor]} whose key {@code P} replaces probe point P and key {@code +P} adds to
 * it. Calls go through {@code PtSymbolBlock.forward} with DJL's NDList naming scheme, the only
 * path that carries gradients (STACK.md).
 */
package org.lamina.analysis.model.torchscript;
