package org.lamina.app.cli;

import org.lamina.analysis.job.OutputException;
import org.lamina.analysis.job.OutputFolder;
import org.lamina.analysis.conceptdepth.ConceptDepthAnalysis;
import org.lamina.analysis.conceptdepth.ConceptDepthFigures;
import org.lamina.analysis.conceptdepth.ConceptProbeResult;
import org.lamina.analysis.conceptdepth.ConceptSet;
import org.lamina.analysis.conceptdepth.ConceptSets;
import org.lamina.analysis.conceptdepth.LogitLens;
import org.lamina.analysis.conceptdepth.LogitLensResult;
import org.lamina.analysis.conceptdepth.Precision;
import org.lamina.analysis.conceptdepth.ProbeFiles;
import org.lamina.analysis.conceptdepth.ProbeParameters;
import org.lamina.analysis.conceptdepth.ProbeResult;
import org.lamina.analysis.conceptdepth.ProbeSolver;
import org.lamina.analysis.conceptdepth.SplitMode;
import org.lamina.analysis.conceptdepth.TokenPooling;
import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.featurestore.FeatureStore;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ProbeableModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code lamina probe MODEL --concepts … --out DIR}: concept depth by layer-wise linear probing
 * (Jin et al. 2024). Writes {@code probe.json}, {@code probe.csv}, figures, and with
 * {@code --export-features} one {@code features-<concept>.npz} per concept.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Concept depth: one L2 logistic-regression probe per layer and concept (Jin et al. 2024, "
                + "\"Exploring Concept Depth\"), with control-task selectivity (Hewitt & Liang 2019) and, for ViTs, "
                + "the logit lens.",
            "Writes DIR/probe.json, probe.csv, accuracy-by-layer / accuracy-by-relative-depth / depth-bars / selectivity "
                + "[/ logit-lens] .png/.svg/.pdf/.csv, and with --export-features DIR/features-<concept>.npz."})
final class ProbeCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "MODEL", description = "sample:NAME or a model directory.")
    String model;

    @Option(names = "--concepts", required = true, paramLabel = "SET",
            description = "sample:fashion-concepts, sample:mnist-concepts, a rule .json, or a CSV path_or_index,label[,group]; "
                    + "for language models sample:lm-concepts, a text rule .json (\"kind\": \"text\") or a CSV "
                    + "text,label[,group] (RFC 4180: quote a text that holds a comma).")
    String concepts;

    @Option(names = "--data", paramLabel = "DATA",
            description = "Data set a CSV of indices refers to (default: the model's own test set, model.json "
                    + "training.testData); rule files name their own.")
    String data;

    @Option(names = "--labels", paramLabel = "MAP.csv",
            description = "Class of each sub-folder of an image-folder data set: lines 'folder,label' (label = a model label or index); or ImageNet's LOC_synset_mapping.txt for WordNet-id folders.")
    Path labels;

    @Option(names = "--points", defaultValue = "layers", paramLabel = "layers|all|P1,P2",
            description = "Probe points: layers = layer outputs (startable points), all, or a list. Default ${DEFAULT-VALUE}.")
    String points;

    @Option(names = "--token", paramLabel = "cls|mean|last",
            description = "Token of a transformer activation (CNN maps are always mean-pooled). Default: last for "
                    + "language models (causal-lm: the last real token of each text, Jin et al.; mean = the mean over "
                    + "its real tokens; cls is refused), cls otherwise.")
    String token;

    @Option(names = "--test-fraction", defaultValue = "0.4", description = "Held-out fraction. Default ${DEFAULT-VALUE}.")
    double testFraction;

    @Option(names = "--seed", defaultValue = "42", description = "Split, control-task and noise seed. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--splits", defaultValue = "" + ProbeParameters.DEFAULT_SPLITS, paramLabel = "K",
            description = "Train/test splits, 1 … 100 (split k uses seed + k): accuracy is reported as mean ± std "
                    + "(and min/max) over them, each depth as its per-split values and their median. Default ${DEFAULT-VALUE}.")
    int splits;

    @Option(names = "--split", defaultValue = "seeded", paramLabel = "seeded|reference",
            description = "seeded (Lamina's shuffle) or reference: the Concept-Depth repository's split, scikit-learn's "
                    + "train_test_split(test_size=0.4, random_state=42) row for row (with --splits 1 and the default "
                    + "seed and fraction; never stratified). Default ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--stratified", description = "Stratified split (the reference's is not).")
    boolean stratified;

    @Option(names = "--standardise", description = "Z-score features with the training rows' statistics (default: raw).")
    boolean standardise;

    @Option(names = "--C", defaultValue = "1.0", description = "Inverse L2 strength. Default ${DEFAULT-VALUE}.")
    double c;

    @Option(names = "--max-iter", defaultValue = "100", description = "Solver iterations. Default ${DEFAULT-VALUE}.")
    int maxIter;

    @Option(names = "--tol", defaultValue = "1e-4", description = "Solver tolerance. Default ${DEFAULT-VALUE}.")
    double tol;

    @Option(names = "--solver", defaultValue = "newton", paramLabel = "newton|lbfgs",
            description = "newton (one probe at a time, exact optimum) or lbfgs (all probes of a point in one batched L-BFGS). "
                    + "Default ${DEFAULT-VALUE}.")
    String solver;

    @Option(names = "--tau", defaultValue = "0.95", description = "Threshold depth: first layer ≥ τ·max acc. Default ${DEFAULT-VALUE}.")
    double tau;

    @Option(names = "--epsilon", defaultValue = "0.01", description = "Converge depth tolerance ε. Default ${DEFAULT-VALUE}.")
    double epsilon;

    @Option(names = "--noise", defaultValue = "0", paramLabel = "σ",
            description = "Gaussian noise σ added to the unit-range pixels (fixed per image), or for a language model to "
                    + "the token embeddings (point embed, fixed per text). Default ${DEFAULT-VALUE}.")
    double noise;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|fp16|bf16|int8",
            description = "Round the weights, the input and every layer-boundary activation to fp16/bf16, or the weight "
                    + "matrices only to int8 (symmetric, one scale per output row) "
                    + "(fake quantisation: stored as float32, every kernel still computes in float32). "
                    + "Default ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--max-samples", defaultValue = "0", description = "At most N items per concept (0 = all). Default ${DEFAULT-VALUE}.")
    int maxSamples;

    @Option(names = "--logit-lens", defaultValue = "auto", paramLabel = "auto|on|off",
            description = "Logit lens (transformers with a final norm): auto = when the model has one. Default ${DEFAULT-VALUE}.")
    String logitLens;

    @Option(names = "--lens-samples", defaultValue = "500", description = "Images for the logit lens. Default ${DEFAULT-VALUE}.")
    int lensSamples;

    @Option(names = "--features", paramLabel = "STORE",
            description = "Probe the features of a feature store (lamina extract) instead of running the model: every "
                    + "point in the store, at its reduction. The store must hold this model's features over the concept "
                    + "set's data set.")
    Path features;

    @Option(names = "--export-features", description = "Write features-<concept>.npz (one array per point, labels, trainIndex, testIndex).")
    boolean exportFeatures;

    @Option(names = "--overlay", paramLabel = "JSON", split = ",",
            description = "probe.json of other runs (other models, noise, precision) to overlay on relative depth.")
    List<Path> overlay = new ArrayList<>();

    @Option(names = "--dpi", defaultValue = "150", description = "PNG resolution in dots per inch, 72 … 1200. Default ${DEFAULT-VALUE}.")
    int dpi;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Mixin
    DeviceOption device;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        RunOutput.checkDpi(dpi);
        TokenPooling pooling = token == null ? TokenPooling.CLS : TokenPooling.parse(token);
        ProbeParameters p = new ProbeParameters(points, pooling, testFraction, seed, stratified, standardise,
                c, maxIter, tol, tau, epsilon, noise, Precision.parse(precision), maxSamples, ProbeSolver.parse(solver),
                splits, SplitMode.parse(split));
        if (lensSamples < 1) {
            throw new IllegalArgumentException("--lens-samples must be at least 1, got " + lensSamples);
        }
        if (!List.of("auto", "on", "off").contains(logitLens)) {
            throw new IllegalArgumentException("--logit-lens must be auto, on or off, got '" + logitLens + "'");
        }
        List<ProbeResult> others = new ArrayList<>();
        List<String> otherLabels = new ArrayList<>();
        for (Path f : overlay) {
            try {
                ProbeResult o = ProbeFiles.read(f);
                others.add(o);
                otherLabels.add(ConceptDepthFigures.label(o));
            } catch (IOException e) {
                throw new IllegalArgumentException("--overlay " + f + ": not a readable probe.json (" + e.getMessage() + ")");
            }
        }
        PrintStream err = System.err;
        ConsoleProgress progress = new ConsoleProgress(err, "probe", quiet);
        ProbeResult r;
        try (ProbeableModel m = ModelLoader.open(model, device.choice());
             OutputFolder folder = RunOutput.open(out, spec)) {
            boolean lm = m.manifest().isCausalLm();
            if (lm && token == null) {
                p = p.withPooling(TokenPooling.LAST);
            }
            if (lm && data != null) {
                throw new IllegalArgumentException("--data: model '" + m.manifest().name() + "' is a language model; its "
                        + "concept set holds the texts itself (a CSV text,label[,group] or a text rule .json), so there is "
                        + "no data set to name. Leave out --data.");
            }
            if (lm && labels != null) {
                throw new IllegalArgumentException("--labels maps image folders to classes; model '"
                        + m.manifest().name() + "' is a language model. Leave out --labels.");
            }
            ConceptSet set = ConceptSets.open(concepts, data != null ? data
                    : lm ? null : ModelDataSets.test(m.manifest()).orElse(null), m.manifest(), labels);
            progress.message("features");
            if (features != null) {
                var parsed = spec.commandLine().getParseResult();
                for (String o : List.of("--points", "--token")) {
                    if (parsed.hasMatchedOption(o)) {
                        throw new IllegalArgumentException(o + " with --features: the store fixes the points and the "
                                + "reduction (every point in " + features + " is probed); leave out " + o);
                    }
                }
                r = ConceptDepthAnalysis.runOnStore(m, set, p, FeatureStore.open(features), progress);
            } else {
                r = ConceptDepthAnalysis.run(m, set, p, progress);
            }
            boolean lens = logitLens.equals("on") || (logitLens.equals("auto") && LogitLens.supports(m.manifest()));
            if (lens) {
                progress.message("logit lens");
                int n = Math.min(lensSamples, set.dataset().size());
                int[] items = java.util.stream.IntStream.range(0, n).toArray();
                LogitLensResult l = LogitLens.run(m, set.dataset(), items, p.extraction(), progress);
                r = r.withLogitLens(l);
            }
            progress.finish();
            Path dir = folder.directory();
            try {
                ProbeFiles.writeAll(r, dir, exportFeatures);
                ConceptDepthFigures.exportAll(r, others, otherLabels, dir, dpi);
            } catch (IOException e) {
                throw OutputException.cannotWrite(out, e);
            }
            folder.commit(RunOutput.describe(spec));
        }
        print(r);
    }

    private void print(ProbeResult r) {
        PrintStream o = System.out;
        int k = r.parameters().splits();
        o.printf(Locale.ROOT, "%s on %s (%s), %d points, %s; %d %s split%s; features %.1f s, probes %.1f s%n", r.model(),
                r.conceptSet(), r.dataset(), r.points().size(), r.parameters().variantLabel(), k, r.parameters().split(),
                k == 1 ? "" : "s", r.extractionSeconds(), r.probeSeconds());
        if (r.redundantPoints() != null) {
            for (String note : r.redundantPoints().notes()) {
                o.println("  note: " + note);
            }
        }
        if (k > 1) {
            o.println("  accuracy: mean ± std over the splits; depths: median layer over the splits [per-split layers]");
        }
        o.printf(Locale.ROOT, "  %-18s %15s %22s %22s %22s %9s%n", "concept", "max acc", "threshold (l, rel)",
                "jump (l, rel)", "converge (l, rel)", "max sel.");
        for (ConceptProbeResult c : r.concepts()) {
            int best = 0;
            for (int l = 1; l < c.acc().length; l++) {
                if (c.acc()[l] > c.acc()[best]) {
                    best = l;
                }
            }
            String acc = k > 1 && c.accStd() != null
                    ? String.format(Locale.ROOT, "%.3f ± %.3f", c.acc()[best], c.accStd()[best])
                    : String.format(Locale.ROOT, "%.3f", c.acc()[best]);
            double sel = java.util.Arrays.stream(c.selectivity()).max().orElse(Double.NaN);
            o.printf(Locale.ROOT, "  %-18s %15s %22s %22s %22s %9.3f%n", c.name(), acc, mark(c.depth().threshold()),
                    mark(c.depth().jump()), mark(c.depth().converge()), sel);
            if (k > 1) {
                o.printf(Locale.ROOT, "  %-18s %15s %22s %22s %22s%n", "", "", layers(c.splitLayers("threshold")),
                        layers(c.splitLayers("jump")), layers(c.splitLayers("converge")));
            }
        }
        if (r.logitLens() != null) {
            LogitLensResult l = r.logitLens();
            o.print("  logit lens KL to final (nats):");
            for (int p = 0; p < l.points().size(); p++) {
                o.printf(Locale.ROOT, " %s %.3f", l.points().get(p), l.kl()[p]);
            }
            o.println();
        }
        o.println("wrote " + out.resolve("probe.json") + ", probe.csv and figures" + (exportFeatures ? ", features-*.npz" : ""));
    }

    private static String layers(int[] perSplit) {
        return java.util.Arrays.toString(perSplit).replace(" ", "");
    }

    private static String mark(org.lamina.analysis.conceptdepth.ConceptDepth.Mark m) {
        return String.format(Locale.ROOT, "%s (%d, %.2f)", m.point(), m.layer(), m.relative());
    }

}
