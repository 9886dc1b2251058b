package org.lamina.analysis.chmcorr;

/**
 * One CHM-Corr decision (spec steps 5–6).
 *
 * @param prediction  the winning label
 * @param k           the K the vote ended with (the requested K, widened on a tie)
 * @param votes       votes of the winner among the top K
 * @param confidence  {@code votes / k}
 * @param voteCounts  votes per class among the top K (index = label)
 * @param ranking     shortlist positions in reranked order (best first)
 * @param scores      score per shortlist position (aligned with the shortlist, not the ranking)
 * @param userMap     whether the scores came from a user-edited map (else the CC-mask top-5 rule)
 */
public record Decision(int prediction, int k, int votes, double confidence, int[] voteCounts, int[] ranking,
                       float[] scores, boolean userMap) {
}
