/**
 * Which libtorch the PyTorch engine runs on: the bundled CPU natives (the default) or one already
 * installed on the machine — a PyTorch package or a libtorch folder — chosen with
 * {@code lamina torch use}. {@link org.lamina.analysis.engine.TorchInstallationDetector} reads the
 * release, C++ ABI and CUDA flavour from its files, {@link org.lamina.analysis.engine.JniBuild}
 * compiles DJL's JNI for it once (cached), {@link org.lamina.analysis.engine.TorchLinkFolder}
 * prepares the folder DJL loads, and {@link org.lamina.analysis.engine.TorchSelection} remembers the
 * choice and hands it to DJL before the engine starts (DESIGN.md §7, "the engine is chosen, not
 * assumed"; STACK.md, "Running on a libtorch that is already installed").
 */
package org.lamina.analysis.engine;
