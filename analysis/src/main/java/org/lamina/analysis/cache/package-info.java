/**
 * Where Lamina keeps what it can recompute ({@link org.lamina.analysis.cache.CacheDirectory}),
 * and the rule every cache follows: an entry is keyed by what it was computed from (weights,
 * manifest, data content), never by a name, and a cache that cannot be written costs a warning,
 * not the run ({@link org.lamina.analysis.cache.CacheWrite}).
 */
package org.lamina.analysis.cache;
