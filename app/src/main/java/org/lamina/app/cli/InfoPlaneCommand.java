package org.lamina.app.cli;

import org.lamina.analysis.job.OutputException;
import org.lamina.analysis.job.OutputFolder;
import org.lamina.analysis.infoplane.CountBinning;
import org.lamina.analysis.infoplane.InfoPlaneData;
import org.lamina.analysis.infoplane.InfoPlaneExperiment;
import org.lamina.analysis.infoplane.InfoPlaneFigures;
import org.lamina.analysis.infoplane.InfoPlaneFiles;
import org.lamina.analysis.infoplane.InfoPlaneParameters;
import org.lamina.analysis.infoplane.InfoPlaneResult;
import org.lamina.analysis.infoplane.InfoPlaneRun;
import org.lamina.analysis.infoplane.LoggingSchedule;
import org.lamina.analysis.infoplane.SplitMode;
import org.lamina.analysis.model.djl.Mlp;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code lamina infoplane …}: trains the 12-bit network, logs the information plane of every layer
 * and writes {@code infoplane.json}, {@code activations-final.npz}, CSVs and figures into {@code --out}.
 */
@Command(name = "infoplane", mixinStandardHelpOptions = true,
        description = {"Information plane of every layer over training (Shwartz-Ziv & Tishby 2017; Saxe et al. 2018) on the "
                + "12-bit data set, or (--data sample:fashion|sample:mnist) Saxe's 784-1024-20-20-20-10 MLP on a bundled image set.",
            "Writes DIR/infoplane.json, DIR/activations-final.npz, infoplane/mi-epochs/snr .png/.svg/.pdf and "
                + "infoplane.csv, snr.csv, training.csv; with --save-activations also DIR/activations/seedS/epochNNNNN.npz."})
final class InfoPlaneCommand implements Runnable {

    @Option(names = "--net", paramLabel = "ib|saxe|mlp:W0,W1,…",
            description = "ib = 12-10-7-5-4-3-2, saxe = 784-1024-20-20-20-10 (image data), or mlp: with all widths, input "
                    + "(12, or 784 for images) to output (2, or 10). Default: ib, or saxe with image data.")
    String net;

    @Option(names = "--activation", description = "tanh|relu|linear|sigmoid. Default: tanh, or relu with image data.")
    String activation;

    @Option(names = "--epochs", description = "1 … 10000. Default: 3000, or 200 with image data.")
    Integer epochs;

    @Option(names = "--train-fraction", defaultValue = "0.8", description = "Fraction of the 4,096 rows that train. Default ${DEFAULT-VALUE}.")
    double trainFraction;

    @Option(names = "--split", defaultValue = "shuffled",
            description = "contiguous (first rows train, as IDNNs) or shuffled (seeded). Default ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--estimator", description = "binning|binsize|kde|ksg. Default: binning for tanh and sigmoid; binsize "
            + "for relu and linear (unbounded: binning by count on [-1, 1] puts every value above 1 into one symbol, which "
            + "looks like compression; choosing binning with them prints a warning); kde with image data.")
    String estimator;

    @Option(names = "--bins", defaultValue = "30", description = "Edges on [-1, 1] for binning, 2 or more. Default ${DEFAULT-VALUE}.")
    int bins;

    @Option(names = "--binning", defaultValue = "idnn", paramLabel = "idnn|clamp",
            description = "Binning by count outside [-1, 1): idnn = as the reference code (IDNNs, ibsgd: bins[np.digitize(a, bins) - 1]), "
                    + "values >= 1 get one extra symbol and values < -1 wrap onto it; clamp = values below -1 go to the first "
                    + "cell and values >= 1 to the last, so outputs of exactly 1 or above share a cell with values just below (a "
                    + "3000-epoch relu run with --estimator binning: up to 0.65 bits less I(X;T)). Default ${DEFAULT-VALUE}.")
    String binning;

    @Option(names = "--binsize", defaultValue = "0.07", description = "Cell size for binsize. Default ${DEFAULT-VALUE}.")
    double binSize;

    @Option(names = "--noise-var", description = "Noise variance σ² for kde and ksg. Default: 1e-3, or 0.1 with image data.")
    Double noiseVariance;

    @Option(names = "--repeats", defaultValue = "1", description = "Runs with seeds S … S+R-1, in parallel. Default ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--seed", defaultValue = "42", description = "First seed. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--lr", description = "Adam learning rate. Default: 4e-4, or 1e-3 with image data.")
    Double learningRate;

    @Option(names = "--batch", description = "Mini-batch size. Default: 256, or 128 with image data.")
    Integer batchSize;

    @Option(names = "--schedule", defaultValue = "saxe",
            description = "Logged epochs: saxe (all <20, every 5th <100, every 20th <2000, then every 100th) or log (~400 log-spaced). "
                    + "Default ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--data", defaultValue = "ib",
            description = "ib (the 12-bit set), sample:fashion or sample:mnist (first images of the bundled splits). "
                    + "Default ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--train-images", defaultValue = "2000",
            description = "Image data: training images (first of the train split). Default ${DEFAULT-VALUE}.")
    int trainImages;

    @Option(names = "--test-images", defaultValue = "1000",
            description = "Image data: held-out images (first of the test split). Default ${DEFAULT-VALUE}.")
    int testImages;

    @Option(names = "--mi-on", paramLabel = "all|train|test",
            description = "Image data: rows the MI is estimated on. Default test (the 12-bit set: always all 4,096).")
    String miOn;

    @Option(names = "--dpi", defaultValue = "144", description = "PNG resolution in dots per inch, 72 … 1200. Default ${DEFAULT-VALUE}.")
    int dpi;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Option(names = "--save-activations",
            description = "Also write every run's activations at each logged epoch to DIR/activations/seedS/epochNNNNN.npz "
                    + "(float32 [MI rows x width] under the layer names of infoplane.json, layer1 ... softmax, and int64 labels), "
                    + "written as training goes, so the MI can be recomputed with any estimator. About 0.5 MB per logged "
                    + "epoch and run for the 12-bit net.")
    boolean saveActivations;

    @Option(names = "--overlay", paramLabel = "JSON", split = ",",
            description = "infoplane.json of earlier runs to draw with this one in DIR/infoplane-overlay.{png,svg,pdf} "
                    + "(e.g. tanh vs ReLU).")
    java.util.List<Path> overlay = new java.util.ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        RunOutput.checkDpi(dpi);
        // Checked even for the 12-bit set, which ignores them: a negative count is a typo either way.
        if (trainImages < 1 || testImages < 1) {
            throw new IllegalArgumentException("--train-images and --test-images must be at least 1, got "
                    + (trainImages < 1 ? trainImages : testImages));
        }
        InfoPlaneData.DataChoice choice = new InfoPlaneData.DataChoice(data, trainImages, testImages,
                miOn != null ? miOn : "ib".equals(data) ? "all" : "test");
        boolean images = !choice.isInformationBottleneck();
        if (images && !"shuffled".equals(split)) {
            throw new IllegalArgumentException("--split applies to the 12-bit set; image data trains on --train-images "
                    + "and holds out --test-images");
        }
        Mlp.Kind kind = Mlp.Kind.parse(activation != null ? activation : images ? "relu" : "tanh");
        InfoPlaneParameters p = new InfoPlaneParameters(widths(net != null ? net : images ? "saxe" : "ib"), kind,
                epochs != null ? epochs : images ? 200 : 3000, trainFraction,
                images ? SplitMode.CONTIGUOUS : SplitMode.parse(split),
                estimator != null ? estimator : InfoPlaneParameters.defaultEstimator(kind, choice),
                bins, CountBinning.parse(binning), binSize, noiseVariance != null ? noiseVariance : images ? 0.1 : 1e-3, repeats, seed,
                learningRate != null ? learningRate : images ? 1e-3 : 4e-4, batchSize != null ? batchSize : images ? 128 : 256,
                LoggingSchedule.parse(schedule), choice);
        java.util.List<InfoPlaneResult> others = new java.util.ArrayList<>();
        for (Path f : overlay) {
            try {
                others.add(InfoPlaneFigures.read(f));
            } catch (IOException e) {
                throw new IllegalArgumentException("--overlay " + f + ": not a readable infoplane.json (" + e.getMessage() + ")");
            }
        }
        PrintStream err = System.err;
        if (p.countBinningWarning() != null) {
            err.println("warning: " + p.countBinningWarning());
        }
        InfoPlaneResult r;
        try (OutputFolder folder = RunOutput.open(out, spec)) {
            ConsoleProgress progress = new ConsoleProgress(err, "infoplane", quiet);
            Path dir = folder.directory();
            try {
                r = InfoPlaneExperiment.run(p, progress, saveActivations
                        ? InfoPlaneFiles.activationWriter(dir, p) : InfoPlaneRun.ActivationSink.NONE);
            } catch (java.io.UncheckedIOException e) {
                throw OutputException.cannotWrite(out, e.getCause());
            }
            progress.finish();
            try {
                InfoPlaneFiles.writeAll(r, dir);
                InfoPlaneFigures.exportAll(r, dir, dpi);
                if (!others.isEmpty()) {
                    java.util.List<InfoPlaneResult> all = new java.util.ArrayList<>(java.util.List.of(r));
                    all.addAll(others);
                    java.util.List<String> names = all.stream().map(InfoPlaneFigures::describe).toList();
                    InfoPlaneFigures.export(InfoPlaneFigures.informationPlane(all, names), dir, "infoplane-overlay", 760, 620, dpi);
                }
            } catch (IOException e) {
                throw OutputException.cannotWrite(out, e);
            }
            folder.commit(RunOutput.describe(spec));
        }
        PrintStream o = System.out;
        o.println(InfoPlaneFigures.describe(r));
        if (images) {
            o.printf(Locale.ROOT, "data: %s; final test accuracy %.4f%n", choice.describe(), r.testAccuracy()[r.last()]);
        }
        o.printf(Locale.ROOT, "%d epochs × %d run(s) in %.1f s (%.2f ms per epoch per run, all logging and MI included)%n",
                p.epochs(), p.repeats(), r.trainingSeconds(), 1000 * r.trainingSeconds() / p.epochs() / p.repeats());
        o.println("final (I(X;T), I(T;Y)) in bits, and compression = max − final I(X;T):");
        int last = r.last();
        for (int l = 0; l < r.layers().size(); l++) {
            o.printf(Locale.ROOT, "  %-8s (%6.3f, %5.3f)  compression %5.3f%n", r.layers().get(l), r.ixt()[last][l],
                    r.ity()[last][l], r.compression(l));
        }
        o.println("wrote " + out.resolve("infoplane.json") + ", activations-final.npz, figures and CSVs"
                + (saveActivations ? ", and the activations of every logged epoch in " + out.resolve(InfoPlaneFiles.ACTIVATIONS_FOLDER) : ""));
    }

    /** {@code ib} or {@code mlp:12,10,…,2}. */
    static int[] widths(String net) {
        if (net.equals("ib")) {
            return InfoPlaneParameters.DEFAULT_WIDTHS.clone();
        }
        if (net.equals("saxe")) {
            return InfoPlaneParameters.SAXE_IMAGE_WIDTHS.clone();
        }
        if (!net.startsWith("mlp:")) {
            throw new IllegalArgumentException("--net must be ib, saxe or mlp:W0,W1,… (e.g. mlp:12,10,7,5,4,3,2), got '" + net + "'");
        }
        try {
            return Arrays.stream(net.substring(4).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--net mlp: needs comma-separated integer widths, got '" + net + "'");
        }
    }

}
