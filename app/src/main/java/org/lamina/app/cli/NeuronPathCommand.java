package org.lamina.app.cli;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.AtomicOutput;
import org.lamina.analysis.job.OutputFolder;
import org.lamina.analysis.model.MemoryBudget;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.neuronpath.NeuronPathAnalysis;
import org.lamina.analysis.neuronpath.NeuronPathException;
import org.lamina.analysis.neuronpath.NeuronPathFigures;
import org.lamina.analysis.neuronpath.NeuronPathParameters;
import org.lamina.analysis.neuronpath.NeuronPathResult;
import org.lamina.analysis.neuronpath.PathMethod;
import org.lamina.analysis.neuronpath.TokenMode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code lamina neuronpath MODEL …}: influential neuron paths of a ViT (Wang et al., ICLR 2025;
 * spec shared/specs/neuronpath.md) — JAS search and baselines, manipulation, class statistics —
 * written to {@code DIR/neuronpath.json} plus figures.
 */
@Command(name = "neuronpath", mixinStandardHelpOptions = true,
        description = {"Influential neuron paths in a vision transformer (Wang et al., ICLR 2025): layer-progressive "
                + "search with the joint attribution score, baselines scored the same way, remove/enhance manipulation, "
                + "class statistics.",
            "Writes DIR/neuronpath.json and neuronpath-graph, -jas, -manipulation, -class-similarity .png/.svg/.pdf/.csv."})
final class NeuronPathCommand implements Runnable {

    @Parameters(paramLabel = "MODEL", description = "A ViT: model directory or sample:NAME (e.g. sample:fashion-vit).")
    String model;

    @Option(names = "--data",
            description = "sample:fashion-test|fashion-train|…, or an image folder. Default: the model's own test set "
                    + "(model.json training.testData); required when it records none.")
    String data;

    @Option(names = "--labels", paramLabel = "MAP.csv",
            description = "Class of each sub-folder of an image folder: lines 'folder,label' (label = a model label or index); or ImageNet's LOC_synset_mapping.txt for WordNet-id folders.")
    Path labels;

    @Option(names = "--class", paramLabel = "LABEL|all", split = ",", defaultValue = "all",
            description = "Classes to analyse (label or index, comma-separated), or all. Default ${DEFAULT-VALUE}.")
    List<String> classes = new ArrayList<>();

    @Option(names = "--images", defaultValue = "10", paramLabel = "N",
            description = "Images per class (the first N of the data set). Default ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--steps", defaultValue = "20", paramLabel = "M",
            description = "Interpolation steps m (≥ 2; left Riemann sum). Default ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--top-k", defaultValue = "1", paramLabel = "K",
            description = "Neurons per block on a path (1 … FFN width). Default ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--baselines", defaultValue = "activation,influence,ig,random", split = ",",
            description = "Baselines besides JAS: activation, influence, ig, random, or none. Default ${DEFAULT-VALUE}.")
    List<String> baselines = new ArrayList<>();

    @Option(names = "--tokens", defaultValue = "cls", paramLabel = "cls|patch-sum",
            description = "Neurons of the CLS token, or channels over the patch tokens (global-pool models: the joint "
                    + "score per patch token, summed over tokens; costs tokens-1 times the CLS search). "
                    + "Default ${DEFAULT-VALUE}.")
    String tokens;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random baseline and pruning. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--dpi", defaultValue = "150", description = "PNG resolution in dots per inch, 72 … 1200. Default ${DEFAULT-VALUE}.")
    int dpi;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory budget of the gradient runs, e.g. 4g, 512m (k/m/g = KiB/MiB/GiB): the integrated-gradient "
                    + "steps are cut into runs that fit it, whatever --steps is; results do not depend on it. Default: on the "
                    + "CPU half the available memory, between 512m and 4g; on a GPU half its free memory.")
    String memory;

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
        List<PathMethod> base = new ArrayList<>();
        for (String b : baselines) {
            if (!b.isBlank() && !b.trim().equalsIgnoreCase("none")) {
                base.add(PathMethod.parse(b));
            }
        }
        TokenMode mode = switch (tokens.trim().toLowerCase(Locale.ROOT)) {
            case "cls" -> TokenMode.CLS;
            case "patch-sum", "patch_sum" -> TokenMode.PATCH_SUM;
            default -> throw new NeuronPathException("--tokens must be cls or patch-sum, got '" + tokens + "'");
        };
        List<String> cls = classes.size() == 1 && classes.get(0).equalsIgnoreCase("all") ? List.of() : classes;
        // Validated before the model is opened; the data set is the model's own unless --data names one.
        new NeuronPathParameters(data == null ? "(the model's own)" : data, cls, images, steps, topK, base, seed, mode,
                NeuronPathParameters.DEFAULT_PRUNING);
        Long budget = memory == null ? null : MemoryBudget.parse(memory, "--memory");
        PrintStream err = System.err;
        try (ProbeableModel m = ModelLoader.open(model, device.choice())) {
            m.manifest().requireNotLanguageModel("Neuron paths");
            String ref = ModelDataSets.testOr(data, m.manifest(), "--data");
            NeuronPathParameters p = new NeuronPathParameters(ref, cls, images, steps, topK, base, seed, mode,
                    NeuronPathParameters.DEFAULT_PRUNING);
            Dataset d = SampleData.open(ref, m.manifest().input(), m.manifest().labels(), labels);
            try (OutputFolder folder = RunOutput.open(out, spec)) {
                long t0 = System.nanoTime();
                ConsoleProgress progress = new ConsoleProgress(err, "neuronpath", quiet);
                long bytes = budget != null ? budget : MemoryBudget.defaultBytes(m.device());
                NeuronPathResult r = NeuronPathAnalysis.run(m, d, p, progress, bytes);
                double seconds = (System.nanoTime() - t0) / 1e9;
                progress.finish();
                Path dir = folder.directory();
                String json = Json.write(r.toJson());
                AtomicOutput.write(dir.resolve("neuronpath.json"), tmp -> Files.writeString(tmp, json, StandardCharsets.UTF_8));
                NeuronPathFigures.exportAll(r, dir, dpi);
                folder.commit(RunOutput.describe(spec));
                print(r, seconds);
            }
        }
    }

    private void print(NeuronPathResult r, double seconds) {
        PrintStream o = System.out;
        o.printf(Locale.ROOT, "%s on %s: %d images, %d blocks × %d neurons, m = %d, top-%d (%s)%n", r.model(), r.dataset(),
                r.images().size(), r.blocks(), r.width(), steps, topK, device.choice());
        o.printf(Locale.ROOT, "%.1f s in all, %.2f s per image (every method, manipulation and pruning included)%n", seconds,
                seconds / r.images().size());
        o.println("method              mean JAS(P)   remove Δp%   enhance Δp%   remove Δacc   enhance Δacc");
        for (var e : r.methods().entrySet()) {
            var man = r.manipulation().get(e.getKey());
            o.printf(Locale.ROOT, "%-18s %12.5f %12.2f %13.2f %13.2f %14.2f%n", e.getKey().title(), e.getValue().meanJas(),
                    man.removeProbDev(), man.enhanceProbDev(), man.removeAccDev(), man.enhanceAccDev());
        }
        if (r.classStats() != null && r.classStats().mostSimilar().length == 2) {
            var s = r.classStats();
            o.printf(Locale.ROOT, "most similar classes: %s / %s (cos %.3f); least: %s / %s (cos %.3f)%n",
                    s.classes().get(s.mostSimilar()[0]), s.classes().get(s.mostSimilar()[1]),
                    s.similarity()[s.mostSimilar()[0]][s.mostSimilar()[1]], s.classes().get(s.leastSimilar()[0]),
                    s.classes().get(s.leastSimilar()[1]), s.similarity()[s.leastSimilar()[0]][s.leastSimilar()[1]]);
        }
        o.println("wrote " + out.resolve("neuronpath.json") + " and figures");
    }

}
