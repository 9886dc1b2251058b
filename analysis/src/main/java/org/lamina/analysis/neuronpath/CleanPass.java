package org.lamina.analysis.neuronpath;

import ai.djl.ndarray.NDArray;

import java.util.Map;

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
 * @param input     the images ({@code [n, *input]}, normalised), in the manager {@link PathSearch#clean} was given
 * @param starts    clean activations ({@code [n, *shape]}) of the startable points the scaled runs
 *                  start from (the last one before each block), in the same manager
 */
public record CleanPass(float[][][] rows, float[][][] neurons, int[] targets, float[] baseProb, int[] predicted,
                        NDArray input, Map<String, NDArray> starts) {

    public CleanPass {
        starts = Map.copyOf(starts);
    }

    /** Number of images. */
    public int size() {
        return targets.length;
    }
}
