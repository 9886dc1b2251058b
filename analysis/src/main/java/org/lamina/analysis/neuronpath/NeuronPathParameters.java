package org.lamina.analysis.neuronpath;

import org.lamina.analysis.session.ParameterMap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        ArrayList<PathMethod> out = new ArrayList<>(List.of(PathMethod.JAS));
        out.addAll(baselines);
        return out;
    }

    /**
     * The parameters as a session records them: plain strings, numbers and lists, so that they
     * survive a JSON round trip. {@link #fromMap} reads them back.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        m.put("classes", classes);
        m.put("imagesPerClass", imagesPerClass);
        m.put("steps", steps);
        m.put("topK", topK);
        m.put("baselines", baselines.stream().map(PathMethod::key).toList());
        m.put("seed", seed);
        m.put("tokenMode", tokenMode == TokenMode.CLS ? "cls" : "patch-sum");
        m.put("pruningFractions", pruningFractions);
        return m;
    }

    /**
     * Reads {@link #toMap} output (numbers may come back as Integer, Long or Double). Every key is
     * required; a missing key, a value of the wrong JSON type, a fraction where a whole number
     * belongs, an unknown name and an unknown key are errors that name the key.
     */
    public static NeuronPathParameters fromMap(Map<String, Object> m) {
        ParameterMap r = new ParameterMap(m, "neuron-path parameter", NeuronPathException::new)
                .allowOnly("dataset", "classes", "imagesPerClass", "steps", "topK", "baselines", "seed", "tokenMode",
                        "pruningFractions");
        List<PathMethod> base = new ArrayList<>();
        for (Object o : r.requiredList("baselines")) {
            String key = (String) r.typed(o, String.class, "baselines", "a string");
            try {
                base.add(PathMethod.parse(key));
            } catch (IllegalArgumentException e) {
                throw new NeuronPathException("neuron-path parameter 'baselines' holds \"" + key
                        + "\", not a method name: " + e.getMessage());
            }
        }
        List<String> cls = new ArrayList<>();
        for (Object o : r.requiredList("classes")) {
            cls.add((String) r.typed(o, String.class, "classes", "a string"));
        }
        List<Double> pruning = new ArrayList<>();
        for (Object o : r.requiredList("pruningFractions")) {
            pruning.add(((Number) r.typed(o, Number.class, "pruningFractions", "a number")).doubleValue());
        }
        String tokens = r.requiredString("tokenMode");
        TokenMode mode = switch (tokens.trim().toLowerCase(Locale.ROOT)) {
            case "cls" -> TokenMode.CLS;
            case "patch-sum", "patch_sum" -> TokenMode.PATCH_SUM;
            default -> throw new NeuronPathException("neuron-path parameter 'tokenMode' must be cls or patch-sum, got '"
                    + tokens + "'");
        };
        return new NeuronPathParameters(r.requiredString("dataset"), cls, r.requiredWholeNumber("imagesPerClass"),
                r.requiredWholeNumber("steps"), r.requiredWholeNumber("topK"), base, r.requiredLongNumber("seed"),
                mode, pruning);
    }





    public NeuronPathParameters withClasses(List<String> c) {
        return new NeuronPathParameters(dataset, c, imagesPerClass, steps, topK, baselines, seed, tokenMode, pruningFractions);
    }

    public NeuronPathParameters withImagesPerClass(int n) {
        return new NeuronPathParameters(dataset, classes, n, steps, topK, baselines, seed, tokenMode, pruningFractions);
    }
}
