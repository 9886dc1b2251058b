package org.lamina.analysis.chmcorr;

/**
 * One drawn correspondence: query cell → exemplar cell (both {@code row * G + col}).
 *
 * @param queryCell    cell in the query
 * @param exemplarCell matched cell in the exemplar
 * @param similarity   patch cosine similarity
 * @param evidence     the value the scorer used (similarity × mask/weight, × transport mass for Sinkhorn)
 */
public record PatchPair(int queryCell, int exemplarCell, float similarity, float evidence) {
}
