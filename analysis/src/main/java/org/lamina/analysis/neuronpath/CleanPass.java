package org.lamina.analysis.neuronpath;

/**
 * The unmodified forward pass of a chunk of images: what every method starts from.
 *
 * @param rows      per image and block, the neuron-token rows of {@code blocks.l.mlp.act},
 *                  {@code [rows × width]} row-major (one row, the CLS token, in CLS mode)
 * @param neurons   per image and block, the neuron values w^l ({@code [width]}): the CLS row, or
 *                  the channel sums over patch tokens
 * @param targets   the class each image is explained for
 * @param baseProb  softmax probability of the target class
 * @param predicted top-1 class
 */
public record CleanPass(float[][][] rows, float[][][] neurons, int[] targets, float[] baseProb, int[] predicted) {

    /** Number of images. */
    public int size() {
        return targets.length;
    }
}
