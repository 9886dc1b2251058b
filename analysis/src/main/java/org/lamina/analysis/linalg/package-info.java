/**
 * Small dense linear algebra on the host, shared by the analyses (the probes' Newton steps, the
 * CRAFT maps' implicit differentiation): systems of at most a few hundred unknowns, where a call
 * into the engine would cost more than the arithmetic.
 */
package org.lamina.analysis.linalg;
