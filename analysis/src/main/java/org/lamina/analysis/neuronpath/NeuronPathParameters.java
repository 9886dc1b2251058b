package org.lamina.analysis.neuronpath;

import java.util.List;

/**
 * Parameters of a neuron-path analysis; the CLI options, the panel form and the JSON record all
 * come from this record (defaults from the spec: m = 20, top-1, seed 42).
 *
 * @param dataset         data set name ({@code sample:fashion-test}) or image folder
 * @param classes         class labels (or indices) to analyse; empty = every class
 * @param imagesPerClass  images per class, the first ones of the data set with that label (≥ 1)
 * @param steps           interpolation steps m (≥ 2)
 * @param topK            neurons per block on a path (1 … FFN width)
 * @param baselines       baselines besides JAS (activation, influence, ig, random)
 * @param seed            seed of the random baseline and the pruning view
 * @param tokenMode       CLS token, or channel sums over patch tokens
 * @param pruningFractions fractions of non-path neurons zeroed in the pruning view (empty: skip)
 */
public record NeuronPathParameters(String dataset, List<String> classes, int imagesPerClass, int steps, int topK,
                                   List<PathMethod> baselines, long seed, TokenMode tokenMode,
                                   List<Double> pruningFractions) {

    public static final int DEFAULT_STEPS = 20;
    public static final long DEFAULT_SEED = 42;
    public static final List<PathMethod> ALL_BASELINES =
            List.of(PathMethod.ACTIVATION, PathMethod.INFLUENCE, PathMethod.IG, PathMethod.RANDOM);
    public static final List<Double> DEFAULT_PRUNING = List.of(0.25, 0.5, 0.75, 1.0);

    public NeuronPathParameters {
        classes = List.copyOf(classes);
        baselines = baselines.stream().filter(m -> m != PathMethod.JAS).distinct().toList();
        pruningFractions = List.copyOf(pruningFractions);
        if (steps < 2) {
            throw new NeuronPathException("--steps must be at least 2 (the left Riemann sum needs α = 0 and one more "
                    + "point), got " + steps);
        }
        if (topK < 1) {
            throw new NeuronPathException("--top-k must be at least 1, got " + topK);
        }
        if (imagesPerClass < 1) {
            throw new NeuronPathException("--images must be at least 1, got " + imagesPerClass);
        }
        for (double f : pruningFractions) {
            if (f < 0 || f > 1) {
                throw new NeuronPathException("pruning fractions must be in [0, 1], got " + f);
            }
        }
    }

    /** Defaults: fashion test set, every class, 10 images each, m = 20, top-1, all baselines, seed 42. */
    public static NeuronPathParameters defaults() {
        return new NeuronPathParameters("sample:fashion-test", List.of(), 10, DEFAULT_STEPS, 1, ALL_BASELINES,
                DEFAULT_SEED, TokenMode.CLS, DEFAULT_PRUNING);
    }

    /** The methods run: JAS first, then the baselines in the given order. */
    public List<PathMethod> methods() {
        java.util.ArrayList<PathMethod> out = new java.util.ArrayList<>(List.of(PathMethod.JAS));
        out.addAll(baselines);
        return out;
    }

    public NeuronPathParameters withClasses(List<String> c) {
        return new NeuronPathParameters(dataset, c, imagesPerClass, steps, topK, baselines, seed, tokenMode, pruningFractions);
    }

    public NeuronPathParameters withImagesPerClass(int n) {
        return new NeuronPathParameters(dataset, classes, n, steps, topK, baselines, seed, tokenMode, pruningFractions);
    }
}
