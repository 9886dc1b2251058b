package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.SpatialLayout;
import org.lamina.analysis.model.Trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CRAFT pipeline (Fel et al., CVPR 2023; shared/specs/craft.md): crops → activations at the
 * cut point → NMF → NNLS coefficient maps of the images → Sobol total indices → fidelity curves.
 * Runs as a job: it reports each stage on the progress sink, checks for cancellation between
 * batches and keeps every tensor in scopes it closes.
 *
 * <p>Deviation from the spec's "every h evaluation starts at the cut point", kept on purpose: when
 * the next probe point is the cut's global average pool (checked on each run's own images), h is
 * started from that pooled point instead — the same logits, H·W times less work (see
 * {@link ConceptHead}; the provenance's {@code h} entry says which head ran, and
 * {@code -Dlamina.craft.pooledHead=false} forces the full one). g is never recomputed either way.
 */
public final class CraftAnalysis {

    /** Method name recorded in provenance. */
    public static final String METHOD = "CRAFT (Fel et al., CVPR 2023): NMF concepts + Sobol total indices";
    /** Version of this implementation, recorded in provenance. */
    public static final String VERSION = "1";

    private CraftAnalysis() {
    }

    /**
     * The default cut point: the last startable point that is a spatial map ({@link SpatialLayout}:
     * a CNN's C × H × W with H·W &gt; 1, or a ViT's residual-stream tokens on its patch grid).
     */
    public static String defaultLayer(ModelManifest manifest) {
        String found = null;
        for (SpatialLayout l : SpatialLayout.all(manifest)) {
            if (l.point().startable()) {
                found = l.point().name();
            }
        }
        if (found == null) {
            throw new ModelException("model '" + manifest.name() + "' has no startable spatial probe point ([C, H, W], or ViT "
                    + "patch tokens) to cut at (startable points: " + startable(manifest)
                    + "); CRAFT needs a [C], [C, H, W] or token cut point (--layer)");
        }
        return found;
    }

    /**
     * How CRAFT reads a cut point: a channel vector (one position), a CNN map or ViT tokens
     * ({@link SpatialLayout}). {@code headPositions} are the positions h is fed — for tokens every
     * token, the class token included (it is encoded in the bank and masked like the patches, so
     * that h sees a full concept reconstruction: a head that reads the class token would otherwise
     * ignore every concept at a last-block cut); the crops' rows of A and the concept maps use the
     * {@code mapRows × mapCols} patch positions only (class token dropped).
     */
    record Cut(ProbePoint point, SpatialLayout layout, int channels, int headPositions, int mapRows, int mapCols) {

        static Cut of(ModelManifest mf, ProbePoint p) {
            long[] s = p.shape();
            if (s.length == 1) {
                return new Cut(p, null, (int) s[0], 1, 1, 1);
            }
            SpatialLayout l = SpatialLayout.of(mf, p).orElse(null);
            if (l == null && s.length == 3) {
                // A [C, 1, 1] map: one position.
                return new Cut(p, null, (int) s[0], (int) (s[1] * s[2]), (int) s[1], (int) s[2]);
            }
            if (l == null) {
                throw new ModelException("probe point '" + p.name() + "' has shape " + java.util.Arrays.toString(s)
                        + "; CRAFT needs a channel vector [C], a feature map [C, H, W] or ViT patch tokens; spatial points: "
                        + SpatialLayout.usable(mf));
            }
            int head = l.kind() == SpatialLayout.Kind.TOKENS ? l.positions() + l.skipped() : l.positions();
            return new Cut(p, l, l.channels(), head, l.rows(), l.cols());
        }

        boolean tokens() {
            return layout != null && layout.kind() == SpatialLayout.Kind.TOKENS;
        }

        /** Leading head positions that are not patches (the class token). */
        int skipped() {
            return tokens() ? layout.skipped() : 0;
        }

        int mapPositions() {
            return mapRows * mapCols;
        }
    }

    /** Every point CRAFT can cut at, in forward order: startable, and a [C] vector, a [C, H, W] map or ViT tokens. */
    public static List<String> cutPoints(ModelManifest manifest) {
        List<String> out = new ArrayList<>();
        for (ProbePoint p : manifest.probePoints()) {
            if (!p.startable()) {
                continue;
            }
            try {
                Cut.of(manifest, p);
                out.add(p.name());
            } catch (ModelException e) {
                // not a shape CRAFT reads
            }
        }
        return out;
    }

    /** The cut point, checked: it exists, runs can start from it, and its shape is [C], [C, H, W] or ViT tokens. */
    public static ProbePoint cutPoint(ModelManifest manifest, String layer) {
        ProbePoint p = manifest.probePoint(layer == null ? defaultLayer(manifest) : layer);
        if (!p.startable()) {
            throw new ModelException("runs cannot start from probe point '" + p.name() + "' of model '" + manifest.name()
                    + "' (the rest of the forward needs more than this activation), so CRAFT cannot evaluate h there; "
                    + "startable points: " + startable(manifest));
        }
        Cut.of(manifest, p);
        return p;
    }

    private static List<String> startable(ModelManifest m) {
        return m.probePoints().stream().filter(ProbePoint::startable).map(ProbePoint::name).toList();
    }

    /** Data-set indices of the first {@code max} images of class {@code classIndex}. */
    public static int[] classImages(Dataset data, int classIndex, int max) {
        int[] labels = data.labels();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < labels.length && out.size() < max; i++) {
            if (labels[i] == classIndex) {
                out.add(i);
            }
        }
        if (out.isEmpty()) {
            String name = classIndex >= 0 && classIndex < data.classNames().size() ? " (" + data.classNames().get(classIndex) + ")" : "";
            throw new IllegalArgumentException("data set '" + data.name() + "' has no images of class " + classIndex + name
                    + "; CRAFT needs images of the class it explains");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Runs CRAFT on the first {@code p.images()} images of the class. */
    public static CraftResult run(ProbeableModel model, Dataset data, CraftParameters p, ProgressSink progress) {
        return run(model, data, p, null, progress);
    }

    /**
     * Runs CRAFT on the first {@code p.images()} images of the class, with g's activations read
     * from {@code store} when it is not null ({@link CraftStore}: the same values the model gives,
     * so the same result; h, the rest of the network, still runs on the model).
     */
    public static CraftResult run(ProbeableModel model, Dataset data, CraftParameters p, CraftStore store,
                                  ProgressSink progress) {
        ModelManifest mf = model.manifest();
        mf.requireNotLanguageModel("CRAFT");
        ModelManifest.InputSpec in = mf.input();
        if (!in.isImage()) {
            throw new ModelException("model '" + mf.name() + "' takes " + java.util.Arrays.toString(in.shape())
                    + " inputs; CRAFT crops images [C, H, W]");
        }
        long[] shape = in.shape();
        if (shape[1] != shape[2]) {
            throw new IllegalArgumentException("model '" + mf.name() + "' takes non-square " + shape[1] + "×" + shape[2]
                    + " images; CRAFT crops square images (centre-crop them to a square first)");
        }
        ProbePoint point = cutPoint(mf, p.layer());
        if (p.classIndex() < 0 || p.classIndex() >= mf.labels().size()) {
            throw new IllegalArgumentException("class " + p.classIndex() + " is out of range: model '" + mf.name() + "' has "
                    + mf.labels().size() + " classes " + org.lamina.analysis.data.LabelListText.of(mf.labels()));
        }
        int size = (int) shape[1];
        int channelsIn = (int) shape[0];
        CropGrid grid = CropGrid.of(size, p.patch() == 0 ? CropGrid.defaultPatch(size) : p.patch());
        int[] images = classImages(data, p.classIndex(), p.images());
        int perImage = grid.cropsPerImage();
        int nCrops = images.length * perImage;
        Cut cut = Cut.of(mf, point);
        int channels = cut.channels();
        if (p.rank() > nCrops) {
            throw new IllegalArgumentException("--rank " + p.rank() + " is more than the " + nCrops + " crops ("
                    + images.length + " images × " + perImage + " crops): a decomposition needs rank ≤ number of crops");
        }
        if (p.rank() > channels) {
            throw new IllegalArgumentException("--rank " + p.rank() + " is more than the " + channels + " channels of '"
                    + point.name() + "': a decomposition needs rank ≤ channels");
        }
        // g (the convolutions up to the cut) runs in cache-sized batches on the CPU; h from the cut
        // point in batches of the memory budget: building the perturbed maps and running the
        // rest of the network per call costs less in few large calls (fashion-cnn, full head,
        // 14,080 rows: 180 ms at 16 rows a call, 80 ms at 63, 45–60 ms at 352).
        int batch = p.batchSize() > 0 ? p.batchSize() : BatchPlanner.forwardBatchSize(mf, model.device());
        int hBatch = p.batchSize() > 0 ? p.batchSize() : BatchPlanner.batchSize(mf, false);
        int r = p.rank();
        int positions = cut.headPositions();
        int mapPositions = cut.mapPositions();
        NmfSettings nmfSettings = p.nmfSettings();
        SobolMasks sobol = SobolMasks.of(r, p.designs()).withoutB();
        int imagesPerCropBatch = Math.max(1, batch / perImage);
        long total = ceil(images.length, imagesPerCropBatch) + ceil(images.length, batch) + 1
                + (p.fidelity() ? 2L : 1L) * images.length;
        progress.begin(total);
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();

        try (NDManager manager = NDManager.newBaseManager(model.device())) {
            // Stage 1: crops → g → spatial mean (A), and g(x) of the whole images, position-major
            // [images × positions, C], for their coefficient maps; the same passes check whether the
            // next point is the spatial mean of this one (pooled head). From the model, or read
            // from an activation store that holds exactly these values (issue #20).
            ProbePoint pool = cut.tokens() ? null : poolCandidate(mf, point);
            GPasses g;
            if (store != null) {
                progress.message("activations at " + point.name() + " from " + store.store().directory());
                g = store.read(manager, images, cut, pool, grid, batch);
                progress.advance(ceil(images.length, imagesPerCropBatch) + ceil(images.length, batch));
            } else {
                g = gPasses(model, manager, data, images, cut, pool, grid, batch, progress);
            }
            float[] a = g.crops();
            float[] imageActs = g.imageMaps();
            double poolDeviation = g.poolDeviation();
            long t1 = System.nanoTime();
            seconds.put("activations", (t1 - t0) / 1e9);

            // Stage 2: the decomposition (NMF unless another was asked for).
            progress.checkCancelled();
            RowMajorMatrix aM = new RowMajorMatrix(nCrops, channels, a);
            Decomposition decomposition = chooseDecomposition(p.decomposition(), aM.min(), imageMin(imageActs), point);
            progress.message(decomposition.id() + " (rank " + r + ") of " + nCrops + " crops × " + channels + " channels");
            ConceptBank nmf = decomposition.fit(manager, aM, r, nmfSettings, p.sparseAlpha());
            progress.advance(1);
            long t2 = System.nanoTime();
            seconds.put("nmf", (t2 - t1) / 1e9);

            // Stage 3: NNLS coefficient maps of the images.
            RowMajorMatrix coded;
            try (NDManager scope = manager.newSubManager()) {
                coded = nmf.encode(scope, scope.create(imageActs, new Shape((long) images.length * positions, channels)),
                        nmfSettings, p.sparseAlpha());
            }
            float[][] uMaps = new float[images.length][positions * r];
            float[][] shownMaps = new float[images.length][mapPositions * r];
            int skip = cut.skipped();
            for (int i = 0; i < images.length; i++) {
                System.arraycopy(coded.values(), i * positions * r, uMaps[i], 0, positions * r);
                System.arraycopy(uMaps[i], skip * r, shownMaps[i], 0, mapPositions * r);
            }
            // The patch positions of the images' maps (class token dropped), for the pooled codes and paper maps.
            float[] patchActs = skip == 0 ? imageActs : dropLeading(imageActs, images.length, positions, skip, channels);
            // The paper's concept maps: u_c of each image's pooled activation, differentiated through
            // the NNLS and combined with Grad-CAM at the cut point (no model pass).
            float[] pooledImages = new float[images.length * channels];
            for (int i = 0; i < images.length; i++) {
                for (int q = 0; q < mapPositions; q++) {
                    for (int k = 0; k < channels; k++) {
                        pooledImages[i * channels + k] += patchActs[(i * mapPositions + q) * channels + k] / mapPositions;
                    }
                }
            }
            RowMajorMatrix imageCodes;
            try (NDManager scope = manager.newSubManager()) {
                imageCodes = nmf.encode(scope, scope.create(pooledImages, new Shape(images.length, channels)), nmfSettings,
                        p.sparseAlpha());
            }
            float[][] gradientMaps = paperMaps(nmf, patchActs, images.length, mapPositions, imageCodes,
                    channels * nmfSettings.alphaW());
            long t3 = System.nanoTime();
            seconds.put("encode", (t3 - t2) / 1e9);

            // Stage 4: Sobol total indices (+ occlusion, which costs r + 1 more rows per image).
            progress.message("Sobol: " + sobol.rows().length + " evaluations of h per image");
            boolean pooledHead = POOLED_HEAD_ENABLED && pool != null && poolDeviation <= POOL_TOLERANCE;
            ConceptHead head = new ConceptHead(model, point.name(), point.shape(), cut.tokens(), nmf.w(), nmf.offset(),
                    p.classIndex(), hBatch, pooledHead ? pool : null);
            float[] sobolMasks = sobol.flat();
            int sobolRows = sobol.rows().length;
            // Occlusion (all ones, then one concept off) rides along for the fidelity rankings.
            int occlusionRows = p.fidelity() ? r + 1 : 0;
            float[] masks = new float[(sobolRows + occlusionRows) * r];
            System.arraycopy(sobolMasks, 0, masks, 0, sobolMasks.length);
            for (int c = -1; c < r && p.fidelity(); c++) {
                for (int j = 0; j < r; j++) {
                    masks[(sobolRows + 1 + c) * r + j] = j == c ? 0 : 1;
                }
            }
            double[][] local = new double[images.length][];
            double[][] occlusion = new double[images.length][r];
            double[][] ys = head.evaluateImages(manager, uMaps, masks, sobolRows + occlusionRows, () -> {
                progress.advance(1);
                progress.checkCancelled();
            });
            for (int i = 0; i < images.length; i++) {
                double[] y = ys[i];
                local[i] = JansenEstimator.totalIndices(sobol, java.util.Arrays.copyOf(y, sobolRows));
                for (int c = 0; c < r && p.fidelity(); c++) {
                    occlusion[i][c] = y[sobolRows] - y[sobolRows + 1 + c];
                }
            }
            double[] importance = new double[r];
            for (double[] st : local) {
                for (int c = 0; c < r; c++) {
                    importance[c] += st[c] / images.length;
                }
            }
            long t4 = System.nanoTime();
            seconds.put("sobol", (t4 - t3) / 1e9);

            // Stage 5: gradients and fidelity curves.
            List<ConceptRanking> rankings = p.fidelity() ? ConceptRanking.all() : List.of();
            progress.message(p.fidelity() ? "fidelity: deletion and insertion curves" : "done");
            // Ranking (b) of the spec's faithfulness check: |Σ_p ∂h/∂u_p ⊙ u_p| per concept.
            float[][] grads = p.fidelity() ? head.coefficientGradients(manager, uMaps) : new float[images.length][positions * r];
            double[][] gradientInput = new double[images.length][r];
            for (int i = 0; i < images.length; i++) {
                for (int q = 0; q < positions * r; q++) {
                    gradientInput[i][q % r] += grads[i][q] * uMaps[i][q];
                }
                for (int c = 0; c < r; c++) {
                    gradientInput[i][c] = Math.abs(gradientInput[i][c]);
                }
            }
            double[][][] curves = new double[rankings.size()][2][r + 1];
            for (int i = 0; i < images.length && !rankings.isEmpty(); i++) {
                progress.checkCancelled();
                float[] fm = new float[rankings.size() * 2 * (r + 1) * r];
                for (int k = 0; k < rankings.size(); k++) {
                    int[] order = switch (rankings.get(k)) {
                        case SOBOL -> ConceptRanking.order(local[i]);
                        case GRADIENT_INPUT -> ConceptRanking.order(gradientInput[i]);
                        case OCCLUSION -> ConceptRanking.order(occlusion[i]);
                        case RANDOM -> ConceptRanking.randomOrder(r, p.seed() * 1_000_003L + images[i]);
                    };
                    for (int step = 0; step <= r; step++) {
                        int del = ((k * 2) * (r + 1) + step) * r;
                        int ins = ((k * 2 + 1) * (r + 1) + step) * r;
                        for (int j = 0; j < r; j++) {
                            fm[del + j] = 1;
                        }
                        for (int s = 0; s < step; s++) {
                            fm[del + order[s]] = 0;
                            fm[ins + order[s]] = 1;
                        }
                    }
                }
                double[] y = head.evaluate(manager, uMaps[i], fm, rankings.size() * 2 * (r + 1));
                for (int k = 0; k < rankings.size(); k++) {
                    for (int d = 0; d < 2; d++) {
                        for (int step = 0; step <= r; step++) {
                            curves[k][d][step] += y[(k * 2 + d) * (r + 1) + step] / images.length;
                        }
                    }
                }
                progress.advance(1);
            }
            Map<String, FidelityCurve> fidelity = new LinkedHashMap<>();
            for (int k = 0; k < rankings.size(); k++) {
                fidelity.put(rankings.get(k).id(), FidelityCurve.of(rankings.get(k).id(), curves[k][0], curves[k][1]));
            }
            long t5 = System.nanoTime();
            seconds.put("fidelity", (t5 - t4) / 1e9);
            seconds.put("total", (t5 - t0) / 1e9);

            List<CraftResult.Concept> concepts = new ArrayList<>();
            for (int c = 0; c < r; c++) {
                concepts.add(new CraftResult.Concept(c, importance[c], topRows(nmf.u(), c, CraftResult.TOP_CROPS)));
            }
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("method", METHOD);
            provenance.put("version", VERSION);
            provenance.put("spec", "shared/specs/craft.md");
            provenance.put("model", mf.name());
            provenance.put("weightsSha256", model.weightsSha256());
            provenance.put("data", data.name());
            provenance.put("labelMapping", data.labelMapping());
            Map<String, Object> dec = new LinkedHashMap<>();
            dec.put("id", decomposition.id());
            dec.put("chosen", p.decomposition() != null ? "by the user" : "default: nmf (activations ≥ 0)");
            dec.put("iterations", nmf.iterations());
            dec.put("converged", nmf.converged());
            dec.put("relativeError", nmf.relativeError());
            dec.putAll(nmf.details());
            dec.put("paperMaps", switch (decomposition) {
                case NMF, SEMI_NMF -> "∂u/∂g through the NNLS (implicit differentiation of its KKT system) with Grad-CAM";
                case SPARSE -> "∂u/∂g through the non-negative lasso on its active set (the same KKT Jacobian) with Grad-CAM";
                case PCA -> "∂u/∂g = W (the projection is linear), Grad-CAM on the centred map";
                case KMEANS -> "none: the one-hot nearest-centroid code has zero gradient almost everywhere (maps are 0)";
            });
            provenance.put("decomposition", dec);
            if (decomposition == Decomposition.NMF) {
                provenance.put("nmf", nmf.details());
            }
            if (cut.tokens()) {
                provenance.put("tokens", "ViT cut point: crops' rows of A = mean of the " + mapPositions + " patch tokens (class "
                        + "token dropped); images encoded per token, the class token included so that h sees a full "
                        + "reconstruction; concept maps on the " + cut.mapRows() + "×" + cut.mapCols() + " patch grid");
            }
            provenance.put("sobol", Map.of("sampler", "unscrambled Halton, dimension 2r, index 0 first", "designs", p.designs(),
                    "estimator", "Jansen", "evaluationsPerImage", sobolRows));
            Map<String, Object> hInfo = new LinkedHashMap<>();
            hInfo.put("startsAt", pooledHead ? pool.name() : point.name());
            hInfo.put("mode", pooledHead ? "pooled: '" + pool.name() + "' is the spatial mean of '" + point.name()
                    + "' on this run's images, so each mask is applied to the pooled coefficients (exact, see ConceptHead)"
                    : "full: every perturbed map built at '" + point.name() + "'");
            if (pool != null) {
                hInfo.put("poolRelativeDeviation", poolDeviation);
            }
            provenance.put("h", hInfo);
            if (store != null) {
                provenance.put("activationsStore", store.store().directory().toAbsolutePath().toString());
            }
            provenance.put("engine", ModelRuntime.versions());
            provenance.put("device", model.device().toString());
            provenance.put("seed", p.seed());
            provenance.put("timestamp", Instant.now().toString());
            return new CraftResult(mf.name(), point.name(), point.shape(),
                    new CraftResult.ClassRef(p.classIndex(), mf.labels().get(p.classIndex())), data.name(), images, grid, r,
                    importance, nmf.relativeError(), nmf.iterations(), nmf.converged(), fidelity, concepts,
                    p.withLayer(point.name()).withDecomposition(decomposition), provenance, seconds, aM, nmf.u(), nmf.w(),
                    local, shownMaps, gradientMaps, cut.mapRows(), cut.mapCols(), decomposition.id(), nmf.offset());
        }
    }

    /**
     * What g computes for a run: the crops' pooled activations {@code [images × crops, C]} (rows
     * of A, image by image, crops in grid order), the images' maps position-major
     * {@code [images × positions, C]}, and the pool candidate's largest relative deviation from
     * their spatial mean (+∞ without a candidate).
     */
    record GPasses(float[] crops, float[] imageMaps, double poolDeviation) {
    }

    /** g over {@code images} of {@code data}: crops in batches of whole images' crops, then the images. */
    static GPasses gPasses(ProbeableModel model, NDManager manager, Dataset data, int[] images, Cut cut, ProbePoint pool,
                           CropGrid grid, int batch, ProgressSink progress) {
        ModelManifest mf = model.manifest();
        long[] shape = mf.input().shape();
        int size = (int) shape[1];
        int channelsIn = (int) shape[0];
        int perImage = grid.cropsPerImage();
        int channels = cut.channels();
        int positions = cut.headPositions();
        int imagesPerCropBatch = Math.max(1, batch / perImage);
        ProbePoint point = cut.point();
        progress.message("crops → activations at " + point.name());
        float[] a = new float[images.length * perImage * channels];
        int imageSize = size * size * channelsIn;
        for (int from = 0; from < images.length; from += imagesPerCropBatch) {
            progress.checkCancelled();
            int to = Math.min(images.length, from + imagesPerCropBatch);
            float[] crops = new float[(to - from) * perImage * imageSize];
            for (int i = from; i < to; i++) {
                float[] img = normalised(data, images[i], mf);
                for (int k = 0; k < perImage; k++) {
                    grid.extractResized(img, channelsIn, k, crops, ((i - from) * perImage + k) * imageSize);
                }
            }
            float[] pooled = pooledActivations(model, manager, cut, crops, (to - from) * perImage, shape);
            System.arraycopy(pooled, 0, a, from * perImage * channels, pooled.length);
            progress.advance(1);
        }
        double poolDeviation = 0;
        float[] imageActs = new float[images.length * positions * channels];
        for (int from = 0; from < images.length; from += batch) {
            progress.checkCancelled();
            int to = Math.min(images.length, from + batch);
            float[] x = new float[(to - from) * imageSize];
            for (int i = from; i < to; i++) {
                System.arraycopy(normalised(data, images[i], mf), 0, x, (i - from) * imageSize, imageSize);
            }
            ImageMaps maps = imageMaps(model, manager, cut, pool, x, to - from, shape);
            System.arraycopy(maps.positionMajor(), 0, imageActs, from * positions * channels, maps.positionMajor().length);
            poolDeviation = Math.max(poolDeviation, maps.poolDeviation());
            progress.advance(1);
        }
        return new GPasses(a, imageActs, poolDeviation);
    }

    /** What the NMF and the encoding did, for craft.json (issue #22: solver, sweeps, iterations, final error). */
    static Map<String, Object> nmfProvenance(NmfSettings settings, NmfResult nmf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("solver", nmf.solver().id());
        m.put("algorithm", "coordinate descent (HALS), components in order, NNDSVDa init from a converged truncated SVD");
        m.put("sweepsPerHalfStep", nmf.solver() == NmfSolver.REFERENCE ? "1 (scikit-learn's solver='cd')"
                : "up to " + nmf.solver().maxSweepsPerHalfStep() + " (accelerated HALS; not scikit-learn's concept bank)");
        m.put("tolerance", settings.tolerance());
        m.put("maxIterations", settings.maxIterations());
        m.put("alphaW", settings.alphaW());
        m.put("iterations", nmf.iterations());
        m.put("converged", nmf.converged());
        m.put("relativeError", nmf.relativeError());
        m.put("encoding", "exact NNLS per row (Lawson–Hanson active set); scikit-learn's transform stops its coordinate"
                + " descent at tol");
        return m;
    }

    /**
     * The decomposition a run uses: the one asked for (NMF refused on negative activations), else
     * NMF where the activations are ≥ 0, else a refusal that names those that accept signed ones
     * (see {@link CraftParameters#decomposition} for why there is no silent fallback).
     */
    static Decomposition chooseDecomposition(Decomposition asked, float cropMin, float imageMin, ProbePoint point) {
        float min = Math.min(cropMin, imageMin);
        if (min >= 0) {
            return asked == null ? Decomposition.NMF : asked;
        }
        if (asked == null) {
            throw new ModelException("activations at cut point '" + point.name() + "' are negative (min " + min + "): CRAFT's "
                    + "default NMF needs g(x) ≥ 0. Choose a decomposition that accepts signed activations with "
                    + "--decomposition (" + Decomposition.forSignedActivations() + "; Fel et al., NeurIPS 2023), or a "
                    + "post-ReLU cut point");
        }
        if (asked.needsNonNegative()) {
            throw new ModelException("activations at cut point '" + point.name() + "' are negative (min " + min + "): NMF needs "
                    + "g(x) ≥ 0; choose a post-ReLU point or another --decomposition (" + Decomposition.forSignedActivations()
                    + ")");
        }
        return asked;
    }

    private static float imageMin(float[] x) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : x) {
            m = Math.min(m, v);
        }
        return m;
    }

    /** {@code [n × positions × C]} without the first {@code skip} positions of each sample. */
    static float[] dropLeading(float[] x, int n, int positions, int skip, int channels) {
        int kept = positions - skip;
        float[] out = new float[n * kept * channels];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, (i * positions + skip) * channels, out, i * kept * channels, kept * channels);
        }
        return out;
    }

    /**
     * The paper-mode maps (gradient of each image's code through the encoding, with Grad-CAM) for
     * the decomposition: NnlsGradCam's KKT Jacobian for NMF, semi-NMF and the lasso's active set,
     * W itself for PCA (on the centred map, so that a map's mean is still the image's code), zero
     * for k-means.
     */
    static float[][] paperMaps(ConceptBank bank, float[] patchActs, int images, int positions, RowMajorMatrix codes,
                               double nmfL2) {
        int r = bank.rank();
        int c = bank.w().cols();
        return switch (bank.decomposition()) {
            case NMF -> NnlsGradCam.maps(patchActs, images, positions, codes, bank.w(), nmfL2);
            case SEMI_NMF, SPARSE -> NnlsGradCam.maps(patchActs, images, positions, codes, bank.w(), 0);
            case KMEANS -> new float[images][positions * r];
            case PCA -> {
                float[] mean = bank.offsetOrZero();
                float[][] out = new float[images][positions * r];
                for (int i = 0; i < images; i++) {
                    for (int q = 0; q < positions; q++) {
                        int base = (i * positions + q) * c;
                        for (int j = 0; j < r; j++) {
                            double v = 0;
                            for (int k = 0; k < c; k++) {
                                v += (double) bank.w().get(j, k) * (patchActs[base + k] - mean[k]);
                            }
                            out[i][q * r + j] = (float) Math.max(0, v);
                        }
                    }
                }
                yield out;
            }
        };
    }

    /** Rows with the largest values in column c, best first. */
    static int[] topRows(RowMajorMatrix m, int c, int count) {
        double[] col = new double[m.rows()];
        for (int i = 0; i < col.length; i++) {
            col[i] = m.get(i, c);
        }
        int[] order = ConceptRanking.order(col);
        return java.util.Arrays.copyOf(order, Math.min(count, order.length));
    }

    static float[] normalised(Dataset data, int index, ModelManifest mf) {
        float[] s = data.sample(index).clone();
        ImageInput.normalise(s, mf.input().channels(), mf.input().mean(), mf.input().std());
        return s;
    }

    /**
     * g(x) at the point for a batch of (already normalised) inputs, averaged over H×W: {@code [count × C]}.
     * Refuses negative activations, naming the point and the smallest value.
     */
    static float[] pooledActivations(ProbeableModel model, NDManager manager, Cut cut, float[] x, int count,
                                     long[] inputShape) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray act = capture(model, scope, cut.point(), x, count, inputShape);
            if (cut.tokens()) {
                // ViT: the crop's row of A is the mean of its patch tokens (class token dropped), as a
                // CNN crop's is the mean over H × W.
                return act.get(new ai.djl.ndarray.index.NDIndex(":, {}:, :", cut.skipped())).mean(new int[] {1})
                        .toFloatArray();
            }
            if (act.getShape().dimension() == 4) {
                Shape s = act.getShape();
                act = act.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).mean(new int[] {2});
            }
            return act.toFloatArray();
        }
    }

    /**
     * Largest relative deviation, max|next − mean_p(cut)| / max|next|, under which the point
     * after the cut counts as its spatial mean (float rounding of a 49-term mean is ~1e-7).
     */
    static final double POOL_TOLERANCE = 1e-5;

    /**
     * {@code -Dlamina.craft.pooledHead=false} always builds the full perturbed maps (the
     * reference's way): to check the pooled head or to time the difference. Default on.
     */
    static final boolean POOLED_HEAD_ENABLED = !"false".equals(System.getProperty("lamina.craft.pooledHead"));

    /**
     * The point right after the cut, if it could be a global average pool of it: a startable
     * {@code [C]} or {@code [C, 1, 1]} point with the cut's C, after a {@code [C, H, W]} cut.
     * Whether it is the mean is checked on the run's own activations ({@link #imageMaps}).
     */
    static ProbePoint poolCandidate(ModelManifest mf, ProbePoint cut) {
        List<ProbePoint> points = mf.probePoints();
        int at = points.indexOf(cut);
        if (cut.shape().length != 3 || at < 0 || at + 1 >= points.size()) {
            return null;
        }
        ProbePoint next = points.get(at + 1);
        long[] s = next.shape();
        boolean vector = s.length == 1 || (s.length == 3 && s[1] == 1 && s[2] == 1);
        return next.startable() && vector && s[0] == cut.shape()[0] ? next : null;
    }

    /** g(x) of whole images, position-major, and how far the pool candidate is from their spatial mean. */
    record ImageMaps(float[] positionMajor, double poolDeviation) {
    }

    /**
     * g(x) at the point, position-major {@code [count × positions × C]}; with a pool candidate,
     * also its relative deviation from the spatial mean of g(x) (captured in the same pass).
     */
    static ImageMaps imageMaps(ProbeableModel model, NDManager manager, ProbePoint point, ProbePoint pool, float[] x,
                               int count, long[] inputShape) {
        return imageMaps(model, manager, Cut.of(model.manifest(), point), pool, x, count, inputShape);
    }

    static ImageMaps imageMaps(ProbeableModel model, NDManager manager, Cut cut, ProbePoint pool, float[] x,
                               int count, long[] inputShape) {
        ProbePoint point = cut.point();
        try (NDManager scope = manager.newSubManager()) {
            Trace t = capture(model, scope, x, count, inputShape, pool == null ? new String[] {point.name()}
                    : new String[] {point.name(), pool.name()});
            NDArray act = t.activation(point.name());
            double deviation = Double.POSITIVE_INFINITY;
            if (act.getShape().dimension() == 4) {
                Shape s = act.getShape();
                act = act.reshape(s.get(0), s.get(1), s.get(2) * s.get(3));
                if (pool != null) {
                    deviation = poolDeviation(act, t.activation(pool.name()).reshape(s.get(0), s.get(1)));
                }
                act = act.transpose(0, 2, 1);
            }
            return new ImageMaps(act.toFloatArray(), deviation);
        }
    }

    /**
     * max|next − mean_p(act)| / max|next| for activations {@code act} {@code [n, C, positions]}
     * and a candidate pooled point {@code next} {@code [n, C]}.
     */
    static double poolDeviation(NDArray act, NDArray next) {
        double scale = next.abs().max().getFloat();
        double diff = next.sub(act.mean(new int[] {2})).abs().max().getFloat();
        return scale > 0 ? diff / scale : diff;
    }

    private static NDArray capture(ProbeableModel model, NDManager scope, ProbePoint point, float[] x, int count,
                                   long[] inputShape) {
        return capture(model, scope, x, count, inputShape, point.name()).activation(point.name());
    }

    private static Trace capture(ProbeableModel model, NDManager scope, float[] x, int count, long[] inputShape,
                                 String... points) {
        NDArray input = scope.create(x, new Shape(count, inputShape[0], inputShape[1], inputShape[2]));
        return model.run(scope, RunRequest.fromInput(input).capture(points).build());
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
