package org.lamina.analysis.conceptdepth;

import java.util.List;

/**
 * Logit lens per layer, means over the samples.
 *
 * @param points        residual-stream points decoded, forward order
 * @param decodedFrom   the point whose remainder (final norm + head) decodes them
 * @param kl            KL(p_l ‖ p_final) in nats
 * @param top1Agreement fraction of samples whose top-1 class at layer l is the final top-1
 * @param top5Overlap   mean |top5_l ∩ top5_final| / 5
 * @param samples       samples averaged over
 */
public record LogitLensResult(List<String> points, String decodedFrom, double[] kl, double[] top1Agreement,
                              double[] top5Overlap, int samples) {
}
