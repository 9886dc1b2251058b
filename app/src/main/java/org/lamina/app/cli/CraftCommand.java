package org.lamina.app.cli;

import org.lamina.analysis.craft.ConceptRecursion;
import org.lamina.analysis.craft.CraftAnalysis;
import org.lamina.analysis.craft.CraftFigures;
import org.lamina.analysis.craft.CraftFiles;
import org.lamina.analysis.craft.CraftParameters;
import org.lamina.analysis.craft.CraftResult;
import org.lamina.analysis.craft.CraftStore;
import org.lamina.analysis.craft.Decomposition;
import org.lamina.analysis.craft.FidelityCurve;
import org.lamina.analysis.craft.NmfSettings;
import org.lamina.analysis.craft.NmfSolver;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ProbeableModel;

import org.lamina.analysis.job.OutputFolder;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code lamina craft MODEL --class C --out DIR}: CRAFT concepts of one class (Fel et al., CVPR 2023;
 * shared/specs/craft.md) — writes {@code craft.json}, {@code craft-data.npz} and the figures.
 */
@Command(name = "craft", mixinStandardHelpOptions = true,
        description = {"CRAFT concepts of a class (Fel et al., CVPR 2023): NMF of crop activations at a cut point, "
                + "Sobol total-order importance of each concept, concept maps and deletion/insertion fidelity.",
            "Writes DIR/craft.json, DIR/craft-data.npz (A, U, W, ST, maps) and craft-importance, craft-top-crops, "
                + "craft-composite (U-maps), craft-composite-gradient (the paper's maps: Grad-CAM of the concept "
                + "coefficient through the NNLS), craft-fidelity as .png/.svg/.pdf/.csv."})
final class CraftCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model directory or sample:NAME.")
    String model;

    @Option(names = "--layer", paramLabel = "POINT",
            description = "Cut point f = h∘g (default: the last spatial startable point, e.g. stage3 of fashion-cnn).")
    String layer;

    @Option(names = "--class", required = true, paramLabel = "LABEL|INDEX", description = "Class to explain: label or logit index.")
    String target;

    @Option(names = "--data",
            description = "Data set with images of the class: sample:NAME or an image folder. Default: the model's own "
                    + "training set (model.json training.dataset); required when it records none.")
    String data;

    @Option(names = "--labels", paramLabel = "MAP.csv",
            description = "Class of each sub-folder of an image folder: lines 'folder,label' (label = a model label or index); or ImageNet's LOC_synset_mapping.txt for WordNet-id folders.")
    Path labels;

    @Option(names = "--images", defaultValue = "" + CraftParameters.DEFAULT_IMAGES,
            description = "At most this many images of the class (first in data-set order). Default ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--rank", defaultValue = "" + CraftParameters.DEFAULT_RANK, description = "Number of concepts. Default ${DEFAULT-VALUE}.")
    int rank;

    @Option(names = "--patch", defaultValue = "0", paramLabel = "P",
            description = "Crop size in pixels (stride 0.8·P); 0 = 64 px at 224 px, 10 px at 28 px. Default ${DEFAULT-VALUE}.")
    int patch;

    @Option(names = "--designs", defaultValue = "32", description = "Sobol designs N (N·(r+1) runs of h per image). Default ${DEFAULT-VALUE}.")
    int designs;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (NMF initialisation, random ranking). Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--alpha-w", defaultValue = "0", description = "NMF L2 penalty on U (sklearn's alpha_W). Default ${DEFAULT-VALUE}.")
    double alphaW;

    @Option(names = "--nmf-solver", defaultValue = "reference", paramLabel = "reference|accelerated",
            description = {"NMF coordinate-descent sweeps per half-step: 'reference' = one, as scikit-learn's solver='cd' "
                    + "that the authors' CRAFT calls (the same concept bank); 'accelerated' = up to two on the same products "
                    + "(accelerated HALS: lower error per iteration, but a different concept bank). Default ${DEFAULT-VALUE}."})
    String nmfSolver;

    @Option(names = "--max-iter", defaultValue = "" + NmfSettings.DEFAULT_MAX_ITERATIONS,
            description = "NMF iteration limit, 1 … 100000 (sklearn's max_iter). Default ${DEFAULT-VALUE}.")
    int maxIter;

    @Option(names = "--tol", defaultValue = "" + NmfSettings.DEFAULT_TOLERANCE,
            description = "NMF tolerance in (0, 1): stop when an iteration's projected-gradient violation is at most "
                    + "this fraction of the first's (sklearn's tol). Default ${DEFAULT-VALUE}.")
    double tol;

    @Option(names = "--decomposition", paramLabel = "nmf|semi-nmf|pca|kmeans|sparse",
            description = {"How the crop activations A are factorised into concepts (Fel et al., NeurIPS 2023: all are "
                    + "dictionary learning, A ≈ U·W): nmf (U, W ≥ 0; needs A ≥ 0), semi-nmf (U ≥ 0, W free), pca (centred, "
                    + "W orthonormal), kmeans (U one-hot), sparse (U ≥ 0 with an L1 penalty --sparse-alpha). Images are "
                    + "encoded by the matching solve (NNLS, projection, nearest centroid, lasso) and Sobol masks U as for "
                    + "NMF. Default: nmf where the activations are ≥ 0; on signed activations (ViT tokens, ConvNeXt) "
                    + "CRAFT refuses until one is chosen."})
    String decomposition;

    @Option(names = "--sparse-alpha", defaultValue = "" + Decomposition.DEFAULT_SPARSE_ALPHA,
            description = "L1 weight of --decomposition sparse, absolute (sklearn's alpha; scale it with the activations: "
                    + "craft.json records their mean row norm). Default ${DEFAULT-VALUE}.")
    double sparseAlpha;

    @Option(names = "--batch", defaultValue = "0", description = "Rows per engine run; 0 = from the memory budget. Default ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--sub-concepts", paramLabel = "CONCEPT:POINT:RANK",
            description = "Also refactorise concept CONCEPT at the earlier cut point POINT into RANK sub-concepts "
                    + "(written to DIR/craft-subconcepts.json).")
    String subConcepts;

    @Option(names = "--no-fidelity", description = "Skip the gradients, occlusion and deletion/insertion curves.")
    boolean noFidelity;

    @Option(names = "--activations-store", paramLabel = "STORE",
            description = "Read g's activations (the crops' and the images', at the cut point) from a CRAFT activation "
                    + "store instead of running the model to the cut: 'lamina extract MODEL --data D --craft "
                    + "[--points CUT] [--craft-patch P]' over a data set holding the class's images. h still runs on the "
                    + "model. Refused unless weights, model.json, data content, cut point and patch match.")
    Path activationsStore;

    @Option(names = "--dpi", defaultValue = "200", description = "PNG resolution in dots per inch, 72 … 1200. Default ${DEFAULT-VALUE}.")
    int dpi;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Mixin
    DeviceOption device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        RunOutput.checkDpi(dpi);
        NmfSolver solver = checkedNmfOptions();
        Decomposition chosen = decomposition == null ? null : checkedDecomposition(decomposition);
        if (!(sparseAlpha >= 0) || Double.isInfinite(sparseAlpha)) {
            throw new IllegalArgumentException("--sparse-alpha must be ≥ 0, got " + sparseAlpha);
        }
        SubConceptRequest sub = subConcepts == null ? null : SubConceptRequest.parse(subConcepts, rank);
        try (ProbeableModel m = ModelLoader.open(model, device.choice())) {
            m.manifest().requireNotLanguageModel("CRAFT");
            int classIndex = classIndex(target, m.manifest().labels());
            String ref = ModelDataSets.trainOr(data, m.manifest(), "--data");
            Dataset dataset = SampleData.open(ref, m.manifest().input(), m.manifest().labels(), labels);
            CraftParameters p = new CraftParameters(ref, layer, classIndex, images, rank, patch, designs, seed, alphaW, batch, !noFidelity,
                    solver, maxIter, tol, chosen, sparseAlpha);
            if (sub != null && m.probePoints().stream().noneMatch(pt -> pt.name().equals(sub.point()))) {
                throw new IllegalArgumentException("--sub-concepts: '" + sub.point() + "' is not a probe point of the model");
            }
            try (OutputFolder folder = RunOutput.open(out, spec)) {
                Path dir = folder.directory();
                ConsoleProgress progress = new ConsoleProgress(System.err, "craft", quiet);
                CraftStore store = activationsStore == null ? null : CraftStore.open(activationsStore, m, dataset);
                CraftResult r = CraftAnalysis.run(m, dataset, p, store, progress);
                progress.finish();
                CraftFiles.writeAll(r, dir);
                CraftFigures.exportAll(r, dataset, dir, dpi);
                ConceptRecursion.SubConcepts s = sub == null ? null : writeSubConcepts(m, dataset, r, sub, dir);
                folder.commit(RunOutput.describe(spec));
                print(r, s);
            }
        }
    }

    private void print(CraftResult r, ConceptRecursion.SubConcepts s) {
        PrintStream o = System.out;
        o.printf(Locale.ROOT, "CRAFT %s, class %d (%s), cut point %s, %d images × %d crops, rank %d%n", r.model(),
                r.target().index(), r.target().label(), r.layer(), r.imageIndices().length, r.crops().cropsPerImage(), r.rank());
        if ("nmf".equals(r.decomposition())) {
            o.printf(Locale.ROOT, "NMF (%s solver) relative error %.4f after %d iterations%s%n", r.parameters().nmfSolver(),
                    r.reconstructionError(), r.nmfIterations(), r.nmfConverged() ? "" : " (iteration limit)");
        } else {
            o.printf(Locale.ROOT, "%s relative error %.4f after %d iterations%s%n", r.decomposition(), r.reconstructionError(),
                    r.nmfIterations(), r.nmfConverged() ? "" : " (iteration limit)");
        }
        o.println("concepts by Sobol total index:");
        for (int id : r.conceptsByImportance()) {
            o.printf(Locale.ROOT, "  C%-3d %.4f%n", id, r.importance()[id]);
        }
        o.println("fidelity (deletion AUC lower = better, insertion AUC higher = better):");
        for (FidelityCurve c : r.fidelity().values()) {
            o.printf(Locale.ROOT, "  %-15s deletion %8.4f  insertion %8.4f%n", c.ranking(), c.deletionAuc(), c.insertionAuc());
        }
        o.printf(Locale.ROOT, "time: %s%n", r.stageSeconds());
        if (s != null) {
            o.printf(Locale.ROOT, "sub-concepts of C%d at %s: %d from %d crops, relative error %.4f (craft-subconcepts.json)%n",
                    s.parentConcept(), s.layer(), s.nmf().rank(), s.crops().length, s.nmf().relativeError());
        }
        o.println("wrote " + out.resolve(CraftFiles.JSON) + ", " + CraftFiles.NPZ + " and figures");
    }

    /** {@code --nmf-solver}, {@code --max-iter} and {@code --tol}, checked before the model is opened. */
    private NmfSolver checkedNmfOptions() {
        NmfSolver solver;
        try {
            solver = NmfSolver.parse(nmfSolver);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--nmf-solver must be reference or accelerated, got '" + nmfSolver + "'");
        }
        if (maxIter < 1 || maxIter > 100_000) {
            throw new IllegalArgumentException("--max-iter must be 1 to 100000, got " + maxIter);
        }
        if (!(tol > 0 && tol < 1)) {
            throw new IllegalArgumentException("--tol must be in (0, 1), got " + tol);
        }
        return solver;
    }

    private static Decomposition checkedDecomposition(String text) {
        try {
            return Decomposition.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--decomposition must be one of nmf, semi-nmf, pca, kmeans, sparse, got '"
                    + text + "'");
        }
    }

    /** {@code --sub-concepts CONCEPT:POINT:RANK}, checked before anything is computed. */
    record SubConceptRequest(int concept, String point, int rank) {

        static SubConceptRequest parse(String text, int parentRank) {
            String[] parts = text.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("--sub-concepts must be CONCEPT:POINT:RANK (e.g. 3:stage2:4), got '" + text + "'");
            }
            int concept;
            int subRank;
            try {
                concept = Integer.parseInt(parts[0].trim());
                subRank = Integer.parseInt(parts[2].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sub-concepts CONCEPT and RANK must be integers, got '" + text + "'");
            }
            if (concept < 0 || concept >= parentRank) {
                throw new IllegalArgumentException("--sub-concepts: concept " + concept + " does not exist; --rank " + parentRank
                        + " gives concepts 0 … " + (parentRank - 1));
            }
            if (subRank < 1) {
                throw new IllegalArgumentException("--sub-concepts: RANK must be at least 1, got " + subRank);
            }
            return new SubConceptRequest(concept, parts[1].trim(), subRank);
        }
    }

    private ConceptRecursion.SubConcepts writeSubConcepts(ProbeableModel m, Dataset dataset, CraftResult r, SubConceptRequest sub, Path dir) {
        ConceptRecursion.SubConcepts s = ConceptRecursion.run(m, dataset, r, sub.concept(), sub.point(), sub.rank(), ProgressSink.none());
        java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("parentConcept", s.parentConcept());
        json.put("layer", s.layer());
        json.put("rank", s.nmf().rank());
        json.put("crops", s.crops());
        json.put("reconstructionError", s.nmf().relativeError());
        json.put("topCrops", s.topCrops());
        org.lamina.analysis.job.AtomicOutput.write(dir.resolve("craft-subconcepts.json"),
                tmp -> java.nio.file.Files.writeString(tmp, Json.write(json)));
        return s;
    }

    /** A class by logit index or label (case-insensitive). */
    static int classIndex(String target, List<String> labels) {
        try {
            int i = Integer.parseInt(target.trim());
            if (i < 0 || i >= labels.size()) {
                throw new IllegalArgumentException("--class " + i + " is out of range: the model has classes 0 … "
                        + (labels.size() - 1) + " " + labels);
            }
            return i;
        } catch (NumberFormatException e) {
            for (int i = 0; i < labels.size(); i++) {
                if (labels.get(i).equalsIgnoreCase(target.trim())) {
                    return i;
                }
            }
            throw new IllegalArgumentException("--class '" + target + "' is not a label of the model; labels: " + labels);
        }
    }

}
