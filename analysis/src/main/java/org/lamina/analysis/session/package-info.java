/**
 * Sessions (DESIGN.md §4): a {@code *.lamina.json} file with the model (path and weights
 * SHA-256), the data, the seed, the engine versions and the ordered analyses with their
 * parameters ({@link org.lamina.analysis.session.SessionDocument}); read and written by
 * {@link org.lamina.analysis.session.SessionFile}, which refuses corrupt and newer-version files
 * with a clear message; redone headless by {@link org.lamina.analysis.session.SessionReplay}
 * through the {@link org.lamina.analysis.session.ReplayableAnalysis} services. A replay reproduces
 * what was saved or refuses: the model is pinned by the SHA-256 of its weights and of its
 * {@code model.json}, and every entry's parameters are read strictly
 * ({@link org.lamina.analysis.session.ParameterMap}) before the first figure is written.
 */
package org.lamina.analysis.session;
