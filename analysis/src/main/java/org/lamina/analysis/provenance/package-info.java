/**
 * Provenance of results: what produced a number (method, parameters, model and weights hash,
 * engine versions, device, seed, time), after Tribuo's provenance records.
 */
package org.lamina.analysis.provenance;
