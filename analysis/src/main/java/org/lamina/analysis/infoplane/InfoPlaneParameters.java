package org.lamina.analysis.infoplane;

import org.lamina.analysis.model.djl.Mlp;
import org.lamina.analysis.session.ParameterMap;

import java.util.Arrays;
import java.util.Locale;

/**
 * Parameters of an information-plane experiment on the 12-bit data set (shared/specs/infoplane.md),
 * validated on construction. The CLI options and the panel form come from this record.
 *
 * @param widths         input width, hidden widths, output width (default 12-10-7-5-4-3-2; must
 *                       start at 12 and end at 2 for the 12-bit data)
 * @param activation     hidden activation (default tanh)
 * @param epochs         training epochs, 1 … 10,000 (default 3,000)
 * @param trainFraction  fraction of the 4,096 rows used for training, (0, 1] (default 0.8)
 * @param split          contiguous (IDNNs) or seeded shuffle (default, Saxe)
 * @param estimator      {@code binning|binsize|kde|ksg} (default binning)
 * @param bins           edges on [−1, 1] for binning by count, ≥ 2 (default 30)
 * @param binning        binning by count outside [−1, 1): {@link CountBinning#IDNN} (default, the
 *                       reference code's extra symbol for values ≥ 1) or {@link CountBinning#CLAMP};
 *                       null reads as CLAMP, the rule of every file and session written before the
 *                       choice existed (issue #22)
 * @param binSize        cell size for binning by size, &gt; 0 (default 0.07)
 * @param noiseVariance  σ² for KDE and KSG, &gt; 0 (default 1e-3)
 * @param repeats        independent runs with seeds {@code seed … seed+repeats−1}, 1 … 100 (default 1)
 * @param seed           first seed (default 42); also seeds the shuffled split
 * @param learningRate   Adam learning rate (default 4e-4)
 * @param batchSize      mini-batch size (default 256)
 * @param schedule       logged epochs (default Saxe's)
 * @param data           the 12-bit set (default) or a bundled image set ({@link InfoPlaneData.DataChoice});
 *                       the widths must start at its input width and end at its class count
 */
public record InfoPlaneParameters(int[] widths, Mlp.Kind activation, int epochs, double trainFraction,
                                  SplitMode split, String estimator, int bins, CountBinning binning, double binSize,
                                  double noiseVariance, int repeats, long seed, double learningRate,
                                  int batchSize, LoggingSchedule schedule, InfoPlaneData.DataChoice data) {

    /** Default network of the paper. */
    public static final int[] DEFAULT_WIDTHS = {12, 10, 7, 5, 4, 3, 2};
    /** Saxe et al. (2018)'s MNIST network, used here on the bundled 28×28 image sets. */
    public static final int[] SAXE_IMAGE_WIDTHS = {784, 1024, 20, 20, 20, 10};
    /** Upper limit on epochs. */
    public static final int MAX_EPOCHS = 10_000;

    public InfoPlaneParameters {
        widths = widths.clone();
        data = data == null ? InfoPlaneData.DataChoice.IB : data;
        if (widths.length < 2) {
            throw new IllegalArgumentException("widths need an input width and at least one layer, got " + Arrays.toString(widths));
        }
        if (widths[0] != data.features()) {
            throw new IllegalArgumentException(data.isInformationBottleneck()
                    ? "the 12-bit data set has 12 inputs: widths must start at 12, got " + Arrays.toString(widths)
                    : data.source() + " images have 28×28 = 784 inputs: widths must start at 784, got " + Arrays.toString(widths));
        }
        if (widths[widths.length - 1] != data.classes()) {
            throw new IllegalArgumentException(data.isInformationBottleneck()
                    ? "the 12-bit task has 2 classes: widths must end at 2, got " + Arrays.toString(widths)
                    : data.source() + " has 10 classes: widths must end at 10, got " + Arrays.toString(widths));
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("widths must be positive, got " + Arrays.toString(widths));
            }
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation is required (tanh, relu, sigmoid or linear)");
        }
        if (epochs <= 0 || epochs > MAX_EPOCHS) {
            throw new IllegalArgumentException("epochs must be 1 … " + MAX_EPOCHS + ", got " + epochs);
        }
        if (!(trainFraction > 0 && trainFraction <= 1)) {
            throw new IllegalArgumentException("train fraction must be in (0, 1], got " + trainFraction);
        }
        estimator = estimator.trim().toLowerCase(Locale.ROOT);
        if (!estimator.matches("binning|binsize|kde|ksg")) {
            throw new IllegalArgumentException("estimator must be binning, binsize, kde or ksg, got '" + estimator + "'");
        }
        if (bins < 2) {
            throw new IllegalArgumentException("bins must be at least 2 (edges on [−1, 1]), got " + bins);
        }
        if (!(binSize > 0) || Double.isInfinite(binSize)) {
            throw new IllegalArgumentException("bin size must be positive, got " + binSize);
        }
        if (!(noiseVariance > 0) || Double.isInfinite(noiseVariance)) {
            throw new IllegalArgumentException("noise variance must be positive, got " + noiseVariance);
        }
        if (repeats < 1 || repeats > 100) {
            throw new IllegalArgumentException("repeats must be 1 … 100, got " + repeats);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        split = split == null ? SplitMode.SHUFFLED : split;
        binning = binning == null ? CountBinning.CLAMP : binning;
        schedule = schedule == null ? LoggingSchedule.SAXE : schedule;
    }

    /** The defaults: tanh 12-10-7-5-4-3-2, 3,000 epochs, 80 % shuffled, binning with 30 edges. */
    public static InfoPlaneParameters defaults() {
        return new InfoPlaneParameters(DEFAULT_WIDTHS, Mlp.Kind.TANH, 3000, 0.8, SplitMode.SHUFFLED, "binning",
                30, CountBinning.IDNN, 0.07, 1e-3, 1, 42, 4e-4, 256, LoggingSchedule.SAXE, InfoPlaneData.DataChoice.IB);
    }

    /**
     * Defaults for a bundled image set (Saxe et al. 2018, MNIST): ReLU 784-1024-20-20-20-10,
     * 200 epochs, KDE with σ² = 0.1 (the spec's value for MNIST-size nets), MI on 1,000 test images,
     * Adam lr 1e-3 with batches of 128: with the 12-bit defaults (4e-4, 256) the net is still near
     * 50 % test accuracy after 5 epochs of 2,000 Fashion images; with these it fits within the
     * 200 epochs.
     */
    public static InfoPlaneParameters imageDefaults(String source) {
        return new InfoPlaneParameters(SAXE_IMAGE_WIDTHS, Mlp.Kind.RELU, 200, 1.0, SplitMode.CONTIGUOUS, "kde",
                30, CountBinning.IDNN, 0.07, 0.1, 1, 42, 1e-3, 128, LoggingSchedule.SAXE, InfoPlaneData.DataChoice.images(source));
    }

    @Override
    public int[] widths() {
        return widths.clone();
    }

    public InfoPlaneParameters withEpochs(int e) {
        return new InfoPlaneParameters(widths, activation, e, trainFraction, split, estimator, bins, binning, binSize,
                noiseVariance, repeats, seed, learningRate, batchSize, schedule, data);
    }

    public InfoPlaneParameters withActivation(Mlp.Kind a) {
        return new InfoPlaneParameters(widths, a, epochs, trainFraction, split, estimator, bins, binning, binSize,
                noiseVariance, repeats, seed, learningRate, batchSize, schedule, data);
    }

    public InfoPlaneParameters withEstimator(String name) {
        return new InfoPlaneParameters(widths, activation, epochs, trainFraction, split, name, bins, binning, binSize,
                noiseVariance, repeats, seed, learningRate, batchSize, schedule, data);
    }

    public InfoPlaneParameters withBinning(CountBinning rule) {
        return new InfoPlaneParameters(widths, activation, epochs, trainFraction, split, estimator, bins, rule, binSize,
                noiseVariance, repeats, seed, learningRate, batchSize, schedule, data);
    }

    /**
     * Whether a hidden activation is unbounded (relu, linear). Binning by count covers only [−1, 1]:
     * every ReLU value above 1 falls into one symbol, so as the weights grow the deep layers seem to
     * lose I(X;T) — spurious compression (issue #22, after Saxe et al. 2018 §3). Measured on the
     * 12-bit net, relu, 3,000 epochs, 80 % contiguous train, seed 42: layer4 falls 7.55 → 4.11 bits
     * with 30 edges, while by size (0.07) it stays at 10.81 bits
     * ({@code tools/fixtures/infoplane_recompute.py} on {@code --save-activations} output).
     */
    public static boolean unbounded(Mlp.Kind activation) {
        return activation == Mlp.Kind.RELU || activation == Mlp.Kind.LINEAR;
    }

    /**
     * The estimator used when the user names none: {@code kde} on image data (Saxe et al.'s MNIST
     * setting), {@code binsize} for unbounded activations (see {@link #unbounded}), otherwise
     * {@code binning}, the reference's estimator for tanh.
     */
    public static String defaultEstimator(Mlp.Kind activation, InfoPlaneData.DataChoice data) {
        if (data != null && !data.isInformationBottleneck()) {
            return "kde";
        }
        return unbounded(activation) ? "binsize" : "binning";
    }

    /**
     * Why the estimator suits the activation, for provenance ({@code estimatorChoice} in
     * infoplane.json); for count binning with an unbounded activation it is the warning that the
     * CLI also prints.
     */
    public String estimatorChoice() {
        String act = activation.name().toLowerCase(Locale.ROOT);
        if (estimator.equals("binning") && unbounded(activation)) {
            return countBinningWarning();
        }
        if (estimator.equals(defaultEstimator(activation, data))) {
            return estimator + ": the default for " + act + (data.isInformationBottleneck() ? "" : " on image data")
                    + (estimator.equals("binsize") ? " (an unbounded activation: binning by count on [-1, 1] would put "
                    + "every value above 1 into one symbol)" : "");
        }
        return estimator + ": chosen for " + act;
    }

    /** The warning for binning by count with an unbounded activation, or null when it does not apply. */
    public String countBinningWarning() {
        if (!estimator.equals("binning") || !unbounded(activation)) {
            return null;
        }
        return "binning by count covers only [-1, 1], but " + activation.name().toLowerCase(Locale.ROOT)
                + " activations are unbounded: every value above 1 is one symbol, so growing weights look like "
                + "compression (layer4 of the 12-bit net, 3000 epochs: 7.55 -> 4.11 bits, where binsize stays at 10.81); "
                + "estimate with binsize or kde instead";
    }

    public InfoPlaneParameters withSplit(SplitMode s, double fraction) {
        return new InfoPlaneParameters(widths, activation, epochs, fraction, s, estimator, bins, binning, binSize,
                noiseVariance, repeats, seed, learningRate, batchSize, schedule, data);
    }

    public InfoPlaneParameters withRepeats(int r, long firstSeed) {
        return new InfoPlaneParameters(widths, activation, epochs, trainFraction, split, estimator, bins, binning, binSize,
                noiseVariance, r, firstSeed, learningRate, batchSize, schedule, data);
    }

    public InfoPlaneParameters withData(InfoPlaneData.DataChoice d) {
        return new InfoPlaneParameters(widths, activation, epochs, trainFraction, split, estimator, bins, binning, binSize,
                noiseVariance, repeats, seed, learningRate, batchSize, schedule, d);
    }

    /** The parameters as plain values (for sessions); {@link #fromMap} reads them back. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("widths", Arrays.stream(widths).boxed().toList());
        m.put("activation", activation.name().toLowerCase(Locale.ROOT));
        m.put("epochs", epochs);
        m.put("trainFraction", trainFraction);
        m.put("split", split.name().toLowerCase(Locale.ROOT));
        m.put("estimator", estimator);
        m.put("bins", bins);
        m.put("binning", binning.id());
        m.put("binSize", binSize);
        m.put("noiseVariance", noiseVariance);
        m.put("repeats", repeats);
        m.put("seed", seed);
        m.put("learningRate", learningRate);
        m.put("batchSize", batchSize);
        m.put("schedule", schedule.name().toLowerCase(Locale.ROOT));
        m.put("data", data.source());
        m.put("trainImages", data.trainImages());
        m.put("testImages", data.testImages());
        m.put("miOn", data.miOn());
        return m;
    }

    /**
     * Reads {@link #toMap} output; missing keys take {@link #defaults()}' values. A value of the
     * wrong JSON type, a fraction where a whole number belongs, an unknown name (activation, split,
     * schedule) and an unknown key are errors that name the key.
     */
    public static InfoPlaneParameters fromMap(java.util.Map<String, Object> m) {
        ParameterMap r = new ParameterMap(m, "information-plane parameter", IllegalArgumentException::new)
                .allowOnly("widths", "activation", "epochs", "trainFraction", "split", "estimator", "bins", "binning", "binSize",
                        "noiseVariance", "repeats", "seed", "learningRate", "batchSize", "schedule", "data", "trainImages",
                        "testImages", "miOn");
        InfoPlaneParameters d = defaults();
        int[] w = d.widths;
        java.util.List<?> list = r.list("widths");
        if (list != null) {
            w = new int[list.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.wholeItem(list, i, "widths");
            }
        }
        String source = r.string("data", "ib");
        InfoPlaneData.DataChoice data = new InfoPlaneData.DataChoice(source, r.wholeNumber("trainImages", 2000),
                r.wholeNumber("testImages", 1000), r.string("miOn", source.equals("ib") ? "all" : "test"));
        return new InfoPlaneParameters(w, r.choice("activation", Mlp.Kind.parse("tanh"), Mlp.Kind::parse),
                r.wholeNumber("epochs", d.epochs), r.decimal("trainFraction", d.trainFraction),
                r.choice("split", SplitMode.parse("shuffled"), SplitMode::parse), r.string("estimator", d.estimator),
                r.wholeNumber("bins", d.bins),
                // a session from before issue #22 has no "binning": it was computed with clamp
                r.choice("binning", CountBinning.CLAMP, CountBinning::parse), r.decimal("binSize", d.binSize),
                r.decimal("noiseVariance", d.noiseVariance), r.wholeNumber("repeats", d.repeats),
                r.longNumber("seed", d.seed), r.decimal("learningRate", d.learningRate),
                r.wholeNumber("batchSize", d.batchSize), r.choice("schedule", LoggingSchedule.parse("saxe"), LoggingSchedule::parse),
                data);
    }

    /** The estimator these parameters name. */
    public MutualInformationEstimator createEstimator() {
        return switch (estimator) {
            case "binning" -> BinningEstimator.byCount(bins, binning);
            case "binsize" -> BinningEstimator.bySize(binSize);
            case "kde" -> new KdeEstimator(noiseVariance);
            case "ksg" -> new KsgEstimator(3, noiseVariance, seed);
            default -> throw new IllegalStateException(estimator);
        };
    }

    /** Names of the measured layers: {@code layer1 … layerK} for hidden layers, then {@code softmax}. */
    public java.util.List<String> layerNames() {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int l = 1; l < widths.length - 1; l++) {
            names.add("layer" + l);
        }
        names.add("softmax");
        return names;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoPlaneParameters p && Arrays.equals(widths, p.widths) && activation == p.activation
                && epochs == p.epochs && trainFraction == p.trainFraction && split == p.split
                && estimator.equals(p.estimator) && bins == p.bins && binning == p.binning && binSize == p.binSize
                && noiseVariance == p.noiseVariance && repeats == p.repeats && seed == p.seed
                && learningRate == p.learningRate && batchSize == p.batchSize && schedule == p.schedule
                && data.equals(p.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(widths) * 31 + java.util.Objects.hash(activation, epochs, trainFraction, split,
                estimator, bins, binning, binSize, noiseVariance, repeats, seed, learningRate, batchSize, schedule, data);
    }

    @Override
    public String toString() {
        return "InfoPlaneParameters" + Arrays.toString(widths) + " " + activation + " epochs=" + epochs
                + " train=" + trainFraction + " " + split + " " + estimator + " repeats=" + repeats + " seed=" + seed + " data=" + data.describe();
    }
}
