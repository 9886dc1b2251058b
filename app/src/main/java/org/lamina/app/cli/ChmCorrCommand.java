package org.lamina.app.cli;

import org.lamina.analysis.job.OutputFolder;
import org.lamina.analysis.chmcorr.ChmcorrClassifier;
import org.lamina.analysis.chmcorr.ChmcorrFigure;
import org.lamina.analysis.chmcorr.ChmcorrParameters;
import org.lamina.analysis.chmcorr.ChmcorrResult;
import org.lamina.analysis.chmcorr.CosineKnn;
import org.lamina.analysis.chmcorr.Decision;
import org.lamina.analysis.chmcorr.FeatureGrid;
import org.lamina.analysis.chmcorr.GalleryIndex;
import org.lamina.analysis.chmcorr.GalleryIndexCache;
import org.lamina.analysis.chmcorr.GalleryStore;
import org.lamina.analysis.chmcorr.MaskCsv;
import org.lamina.analysis.chmcorr.QueryEvidence;
import org.lamina.analysis.chmcorr.Shortlist;
import org.lamina.analysis.chmcorr.SpatialFeatures;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.ExportSettings;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.job.AtomicOutput;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbeableModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lamina chmcorr MODEL --query IMAGE|INDEX …}: one CHM-Corr decision (Taesiri et al. 2022),
 * optionally with a CHM-Corr++ user map, written as {@code chmcorr.json} and the explanation figure.
 */
@Command(name = "chmcorr", mixinStandardHelpOptions = true,
        description = {"CHM-Corr: kNN shortlist, patch correspondences, CC-map reranking and vote (Taesiri et al., NeurIPS 2022); "
                + "with --mask, the CHM-Corr++ user map re-scores the same correspondences.",
            "Matcher mnn = cosine + mutual nearest neighbours on the feature grid (a substitute, NOT CHMNet).",
            "Writes DIR/chmcorr.json and DIR/chmcorr.{png,svg,pdf} + chmcorr.csv (top-5 exemplars with paired boxes)."})
final class ChmCorrCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model directory or sample:NAME with a spatial last stage.")
    String model;

    @Option(names = "--gallery", description = "Gallery data set. Default: the model's own training set "
            + "(model.json training.dataset); required when it records none.")
    String gallery;

    @Option(names = "--gallery-size", paramLabel = "M", description = "Use the first M gallery images (default: all).")
    Integer gallerySize;

    @Option(names = "--query", required = true, paramLabel = "IMAGE|INDEX",
            description = "An image file, or an index into --query-set (default sample:fashion-test, 0-based).")
    String query;

    @Option(names = "--query-set",
            description = "Data set an INDEX query refers to. Default: the model's own test set (model.json training.testData).")
    String querySet;

    @Option(names = "--labels", paramLabel = "MAP.csv",
            description = "Class of each sub-folder of an image-folder gallery or query set: lines 'folder,label' "
                    + "(label = a model label or index).")
    Path labels;

    @Option(names = "--mask", paramLabel = "FILE.csv",
            description = "User map: G lines of G weights in [0, 1] (row 0 = top). Non-empty → score = Σ sim·w / G².")
    Path mask;

    @Option(names = "--matcher", defaultValue = "mnn", description = "mnn|sinkhorn. Default ${DEFAULT-VALUE}.")
    String matcher;

    @Option(names = "--n", defaultValue = "50", description = "Shortlist size N. Default ${DEFAULT-VALUE}.")
    int n;

    @Option(names = "--k", defaultValue = "20", description = "Majority vote K (widened on ties). Default ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--threshold", defaultValue = "0.55", description = "CC-mask threshold T. Default ${DEFAULT-VALUE}.")
    double threshold;

    @Option(names = "--point", description = "Feature-grid probe point: a square spatial map (a CNN [C, G, G], or ViT patch tokens blocks.i/embed/norm on the patch grid, class token dropped). Default: the last block output on a ViT, else the last [C, G, G] point.")
    String point;

    @Option(names = "--cache", paramLabel = "DIR", description = "Gallery index cache (default $XDG_CACHE_HOME/lamina/chmcorr, else $HOME/.cache/lamina/chmcorr;"
            + " -Dlamina.cacheDir=DIR for DIR/chmcorr). Entries are keyed by weights, model.json and data content.")
    Path cache;

    @Option(names = "--gallery-store", paramLabel = "STORE",
            description = "Read the gallery's features from a feature store instead of running the model over the gallery "
                    + "(index and exemplars; the query still runs the model): the store of "
                    + "'lamina extract MODEL --data GALLERY --points P --reduce none' with P the feature-grid point "
                    + "(--point, or the default one). Refused unless its weights, model.json, data content, point, "
                    + "reduction and shape match. The index it gives is cached (--cache) under a key that adds the store.")
    Path galleryStore;

    @Option(names = "--dpi", defaultValue = "200", description = "PNG resolution in dots per inch, 72 … 1200. Default ${DEFAULT-VALUE}.")
    int dpi;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    @Mixin
    DeviceOption device;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        RunOutput.checkDpi(dpi);
        ChmcorrParameters p = new ChmcorrParameters(n, k, threshold, matcher, 5, 5);
        try (ProbeableModel m = ModelLoader.open(model, device.choice())) {
            m.manifest().requireNotLanguageModel("CHM-Corr");
            ModelManifest mf = m.manifest();
            SpatialFeatures features = new SpatialFeatures(m, point);
            Dataset galleryData = SampleData.open(ModelDataSets.trainOr(gallery, mf, "--gallery"), mf.input(),
                    mf.labels(), labels);
            int size = gallerySize == null ? galleryData.size() : gallerySize;
            if (size < 1 || size > galleryData.size()) {
                throw new IllegalArgumentException("--gallery-size must be 1 … " + galleryData.size() + " for '" + gallery
                        + "', got " + size);
            }
            run(m, mf, features, galleryData, size, p);
        }
    }

    private void run(ProbeableModel m, ModelManifest mf, SpatialFeatures features, Dataset galleryData, int size,
                     ChmcorrParameters p) {
        try (OutputFolder folder = RunOutput.open(out, spec)) {
            GalleryIndexCache c = cache == null ? GalleryIndexCache.defaultCache() : new GalleryIndexCache(cache);
            long t0 = System.nanoTime();
            GalleryStore store = galleryStore == null ? null : GalleryStore.open(galleryStore, features, galleryData);
            GalleryIndex index = c.loadOrBuild(features, galleryData, size, store, ProgressSink.none());
            double indexMs = (System.nanoTime() - t0) / 1e6;
            ChmcorrClassifier classifier = new ChmcorrClassifier(features, index, galleryData, p, store);

            Map<String, Object> queryInfo = new LinkedHashMap<>();
            ChmcorrFigure.Picture picture;
            float[] normalised;
            Path file = Path.of(query);
            if (Files.isRegularFile(file)) {
                long[] s = mf.input().shape();
                float[] chw = ImageInput.toUnitChw(ImageInput.read(file), mf.input());
                picture = new ChmcorrFigure.Picture(chw, (int) s[0], (int) s[1], (int) s[2]);
                normalised = ImageInput.normalise(chw.clone(), mf.input().channels(), mf.input().mean(), mf.input().std());
                queryInfo.put("source", file.toString());
            } else if (query.matches("\\d+")) {
                String querySet = ModelDataSets.testOr(this.querySet, mf, "--query-set");
                Dataset qs = SampleData.open(querySet, mf.input(), mf.labels(), labels);
                // Digits only: a number too large for an int is simply an index outside the set.
                int idx = query.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(query);
                if (idx >= qs.size()) {
                    throw new IllegalArgumentException("--query " + query + ": unknown index; '" + querySet + "' has images 0 … "
                            + (qs.size() - 1));
                }
                long[] s = qs.sampleShape();
                picture = new ChmcorrFigure.Picture(qs.sample(idx), (int) s[0], (int) s[1], (int) s[2]);
                normalised = ImageInput.normalise(qs.sample(idx).clone(), mf.input().channels(), mf.input().mean(), mf.input().std());
                queryInfo.put("source", querySet);
                queryInfo.put("labelMapping", qs.labelMapping());
                queryInfo.put("index", idx);
                queryInfo.put("trueLabel", qs.label(idx));
                queryInfo.put("trueLabelName", qs.classNames().get(qs.label(idx)));
            } else {
                throw new IllegalArgumentException("--query " + query + ": no such image file, and not an index into "
                        + (querySet == null ? "the query set" : querySet));
            }
            float[] userMap = mask == null ? null : MaskCsv.read(mask, features.grid());

            long t1 = System.nanoTime();
            FeatureGrid q = features.ofNormalisedInput(normalised);
            long t2 = System.nanoTime();
            Shortlist s = CosineKnn.shortlist(index, q.pooled(), p.shortlist());
            long t3 = System.nanoTime();
            QueryEvidence ev = ChmcorrClassifier.evidence(q, s, classifier.exemplarGrids(s.galleryIndices()),
                    classifier.matcher(), p.threshold(), index.classNames().size(), p.k());
            long t4 = System.nanoTime();
            Decision d = ev.decide(userMap);
            long t5 = System.nanoTime();

            Map<String, Object> pv = ChmcorrResult.provenance(classifier);
            Map<String, Object> timings = new LinkedHashMap<>();
            timings.put("galleryIndexMs", indexMs);
            timings.put("queryFeaturesMs", (t2 - t1) / 1e6);
            timings.put("shortlistMs", (t3 - t2) / 1e6);
            timings.put("correspondencesMs", (t4 - t3) / 1e6);
            timings.put("decisionMs", (t5 - t4) / 1e6);
            pv.put("timings", timings);
            if (galleryStore != null) {
                pv.put("galleryStore", galleryStore.toAbsolutePath().toString());
            }
            ChmcorrResult r = ChmcorrResult.of(ev, d, userMap, p, index.classNames(), queryInfo, pv);
            Path dir = folder.directory();
            AtomicOutput.write(dir.resolve("chmcorr.json"), tmp -> Files.writeString(tmp, Json.write(r)));
            ChmcorrFigure fig = ChmcorrFigure.of(ev, d, userMap, picture, gi -> {
                long[] sh = galleryData.sampleShape();
                return new ChmcorrFigure.Picture(galleryData.sample(gi), (int) sh[0], (int) sh[1], (int) sh[2]);
            }, index.classNames(), p);
            new FigureExporter(new ExportSettings(ExportSettings.DOUBLE_COLUMN_CM, dpi))
                    .exportAll(fig, dir, "chmcorr", EnumSet.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF, ExportFormat.CSV));
            folder.commit(RunOutput.describe(spec));

            System.out.printf(Locale.ROOT, "CHM-Corr (%s): %s, %d/%d votes (confidence %.2f)%s; plain kNN: %s%n", classifier.matcher().name(),
                    r.predictionName(), d.votes(), d.k(), d.confidence(), d.userMap() ? ", user map" : "",
                    index.classNames().get(r.knnPrediction()));
            System.out.printf(Locale.ROOT, "gallery %s (%d images, G = %d, point %s); index %.0f ms (%s)%n", index.dataset(),
                    index.size(), features.grid(), features.point().name(), indexMs,
                    (store == null ? "" : "from feature store " + galleryStore + ", ") + "cached in " + c.directory());
            System.out.printf(Locale.ROOT, "query: features %.1f ms, shortlist %.2f ms, correspondences for %d %.1f ms, decision %.3f ms%n",
                    (t2 - t1) / 1e6, (t3 - t2) / 1e6, s.size(), (t4 - t3) / 1e6, (t5 - t4) / 1e6);
            System.out.println("wrote " + out.resolve("chmcorr.json") + " and chmcorr.{png,svg,pdf,csv}");
        }
    }
}
