package org.lamina.analysis.neuronpath;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.SplittableRandom;

/**
 * Edits path neurons at the neuron token and measures what happens to the prediction (spec
 * "Evaluations"; reference {@code manipulation/ViT/compression_amplify*.py}): "remove" sets them
 * to 0, "enhance" doubles them, in every block at once, each block's value taken from the
 * edited forward pass itself (the reference's {@code imp_pos} edit inside the forward).
 */
public final class PathManipulation {

    /** Remove (×0) or enhance (×2). */
    public enum Edit {
        REMOVE(0f), ENHANCE(2f);

        private final float factor;

        Edit(float factor) {
            this.factor = factor;
        }

        public float factor() {
            return factor;
        }
    }

    /**
     * Per image after the edit.
     *
     * @param prob      target probability
     * @param predicted top-1 class
     */
    public record Outcome(float[] prob, int[] predicted) {
    }

    private final ProbeableModel model;
    private final FfnNeurons ffn;

    public PathManipulation(ProbeableModel model, FfnNeurons ffn) {
        this.model = model;
        this.ffn = ffn;
    }

    /** Applies {@code edit} to each image's path neurons in every block. */
    public Outcome apply(NDManager mgr, NDArray x, int[] targets, int[][][] paths, Edit edit) {
        int n = targets.length;
        float[][] factors = new float[ffn.blocks()][n * ffn.width()];
        for (float[] f : factors) {
            java.util.Arrays.fill(f, 1f);
        }
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < ffn.blocks(); b++) {
                for (int p : paths[i][b]) {
                    factors[b][i * ffn.width() + p] = edit.factor();
                }
            }
        }
        return run(mgr, x, targets, factors);
    }

    /**
     * Pruning view (spec "Evaluations"; the paper's Fig. 6): in the first {@code depth} blocks zero
     * a random {@code fraction} of the neurons that are NOT on the image's path, keep the path
     * neurons; returns the target probabilities.
     */
    public Outcome prune(NDManager mgr, NDArray x, int[] targets, int[] imageIds, int[][][] paths, double fraction,
                         int depth, long seed) {
        if (fraction < 0 || fraction > 1) {
            throw new NeuronPathException("pruning fraction must be in [0, 1], got " + fraction);
        }
        int n = targets.length;
        int width = ffn.width();
        float[][] factors = new float[ffn.blocks()][n * width];
        for (float[] f : factors) {
            java.util.Arrays.fill(f, 1f);
        }
        for (int i = 0; i < n; i++) {
            SplittableRandom rnd = new SplittableRandom(seed * 31 + imageIds[i]);
            for (int b = 0; b < Math.min(depth, ffn.blocks()); b++) {
                boolean[] keep = new boolean[width];
                for (int p : paths[i][b]) {
                    keep[p] = true;
                }
                for (int j = 0; j < width; j++) {
                    if (!keep[j] && rnd.nextDouble() < fraction) {
                        factors[b][i * width + j] = 0f;
                    }
                }
            }
        }
        return run(mgr, x, targets, factors);
    }

    private Outcome run(NDManager mgr, NDArray x, int[] targets, float[][] factors) {
        int n = targets.length;
        try (NDManager scope = mgr.newSubManager()) {
            RunRequest.Builder b = RunRequest.fromInput(x);
            for (int blk = 0; blk < ffn.blocks(); blk++) {
                b.scale(ffn.points().get(blk), ffn.neuronScale(scope, n, factors[blk]));
            }
            try (Trace t = model.run(scope, b.build())) {
                float[] probs = t.logits().softmax(1).toFloatArray();
                int classes = probs.length / n;
                float[] p = new float[n];
                int[] pred = new int[n];
                for (int i = 0; i < n; i++) {
                    p[i] = probs[i * classes + targets[i]];
                    pred[i] = PathSearch.argmax(probs, i * classes, classes);
                }
                return new Outcome(p, pred);
            }
        }
    }
}
