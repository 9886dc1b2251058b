package org.lamina.analysis.conceptdepth;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.featurestore.ChunkSource;
import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.FeatureStore;
import org.lamina.analysis.featurestore.FeatureStoreException;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Pooled features in a feature store (issue #20): {@code lamina extract}'s rows are exactly what
 * {@link FeatureExtractor#extract} gives the concept-depth probes, one chunk at a time, and
 * {@code lamina probe --features STORE} reads them back as {@link LayerFeatures}, so a probe on a
 * store and a probe that runs the model agree to the bit.
 *
 * <p>{@code --reduce}: {@code cls}, {@code mean} and {@code last} choose the token of a
 * {@code [tokens, d]} activation as {@code --token} does (maps {@code [c, h, w]} are averaged over
 * space whatever the token, as the probes do); {@code spatial-mean} averages maps over h×w and
 * tokens over the patch tokens; {@code none} keeps each activation whole, flattened. A reduction
 * that means nothing for the model is refused: {@code cls}/{@code last} where no chosen point has a
 * token axis, {@code cls}/{@code spatial-mean}/{@code none} on a language model.
 */
public final class PooledFeatureStore {

    /** The {@code --reduce} values. */
    public static final List<String> REDUCTIONS = List.of("last", "mean", "cls", "spatial-mean", "none");

    private PooledFeatureStore() {
    }

    /** The default reduction: the probes' default token ({@code last} for LMs, {@code cls} with tokens, else spatial-mean). */
    public static String defaultReduction(ModelManifest mf, List<String> points) {
        if (mf.isCausalLm()) {
            return "last";
        }
        return hasTokenAxis(mf, points) ? "cls" : "spatial-mean";
    }

    /** The pooling that implements {@code reduce} for these points, or a refusal that says why not. */
    public static TokenPooling pooling(String reduce, ModelManifest mf, List<String> points) {
        String r = reduce.trim().toLowerCase(Locale.ROOT);
        if (!REDUCTIONS.contains(r)) {
            throw new IllegalArgumentException("--reduce must be one of " + String.join(", ", REDUCTIONS) + ", got '"
                    + reduce + "'");
        }
        if (mf.isCausalLm()) {
            return switch (r) {
                case "last" -> TokenPooling.LAST;
                case "mean" -> TokenPooling.MEAN;
                case "cls" -> throw new IllegalArgumentException("--reduce cls: decoder language model '" + mf.name()
                        + "' has no class token (token 0 is BOS, the same for every text); use --reduce last (the "
                        + "paper's choice) or --reduce mean");
                case "none" -> {
                    TextFeatureExtractor.mode(TokenPooling.NONE, mf);
                    throw new AssertionError("mode refuses NONE");
                }
                default -> throw new IllegalArgumentException("--reduce spatial-mean: language model '" + mf.name()
                        + "' has no spatial axis; use --reduce last or --reduce mean");
            };
        }
        boolean tokens = hasTokenAxis(mf, points);
        return switch (r) {
            case "cls", "last" -> {
                if (!tokens) {
                    throw new IllegalArgumentException("--reduce " + r + ": no chosen point of model '" + mf.name()
                            + "' has a token axis (its activations are maps [c, h, w] or vectors), so there is no "
                            + "token to pick; use --reduce spatial-mean (what the probes use) or none");
                }
                yield r.equals("cls") ? TokenPooling.CLS : TokenPooling.LAST;
            }
            case "mean", "spatial-mean" -> TokenPooling.MEAN;
            default -> TokenPooling.NONE;
        };
    }

    /** The reduction store column of {@code point}: its per-item shape and dimension after {@code pooling}. */
    public static StoreManifest.PointColumn column(ModelManifest mf, String point, TokenPooling pooling) {
        ProbePoint p = mf.probePoint(point);
        long[] s = p.shape();
        if (mf.isCausalLm()) {
            return new StoreManifest.PointColumn(point, new long[] {s[1]}, pooling.name().toLowerCase(Locale.ROOT),
                    (int) s[1]);
        }
        if (s.length == 1) {
            return new StoreManifest.PointColumn(point, s.clone(), "none", (int) s[0]);
        }
        if (pooling == TokenPooling.NONE) {
            long n = Arrays.stream(s).reduce(1, (a, b) -> a * b);
            return new StoreManifest.PointColumn(point, s.clone(), "none", Math.toIntExact(n));
        }
        if (s.length == 2) {
            return new StoreManifest.PointColumn(point, new long[] {s[1]}, pooling.name().toLowerCase(Locale.ROOT),
                    (int) s[1]);
        }
        if (s.length == 3 && mf.patchGrid().isPresent() && s[1] == s[2] && point.contains("attn")) {
            return new StoreManifest.PointColumn(point, new long[] {s[0], s[2]}, "cls-row", (int) (s[0] * s[2]));
        }
        return new StoreManifest.PointColumn(point, new long[] {s[0]}, "spatial-mean", (int) s[0]);
    }

    /** Columns of {@code points}, in order. */
    public static List<StoreManifest.PointColumn> columns(ModelManifest mf, List<String> points, TokenPooling pooling) {
        List<StoreManifest.PointColumn> out = new ArrayList<>();
        for (String p : points) {
            out.add(column(mf, p, pooling));
        }
        return out;
    }

    /**
     * The chunk source of {@code lamina extract}: {@link FeatureExtractor#extract} on a chunk, with
     * each item's label and source. Text items have no label here (a text's labels belong to the
     * concepts of its concept set); their source is the text.
     */
    public static ChunkSource source(ProbeableModel model, Dataset data, List<String> points, TokenPooling pooling) {
        FeatureExtractor.Options options = new FeatureExtractor.Options(pooling, 0, Precision.FP32, 42);
        boolean text = data instanceof TextConceptData;
        return (items, progress) -> {
            LayerFeatures f = FeatureExtractor.extract(model, data, items, points, options, progress);
            int[] labels = new int[items.length];
            String[] sources = new String[items.length];
            for (int i = 0; i < items.length; i++) {
                labels[i] = text ? FeatureChunk.NO_LABEL : data.label(items[i]);
                sources[i] = text ? ((TextConceptData) data).texts().get(items[i]) : data.describeItem(items[i]);
            }
            return new FeatureChunk(items.clone(), labels, sources, f.dimensions(), f.values());
        };
    }

    /** What a store records of {@code model}. */
    public static StoreManifest.ModelInfo modelInfo(ProbeableModel model) {
        return StoreManifest.ModelInfo.of(model);
    }

    /**
     * Checks that {@code store} holds features of {@code model} over {@code data}: the same weights,
     * the same model.json and the same items, else a refusal naming what differs.
     */
    public static void requireMatches(FeatureStore store, ProbeableModel model, Dataset data) {
        store.requireSource("feature store", model, data);
    }

    /**
     * Every point of {@code store} for {@code items} as the probes' features. A store without one
     * vector per token choice ({@code --reduce none}) is refused: its columns are whole activations.
     */
    public static LayerFeatures features(FeatureStore store, int[] items) {
        StoreManifest m = store.manifest();
        if ("none".equals(m.reduce())) {
            throw new FeatureStoreException("feature store " + store.directory() + " keeps whole activations "
                    + "(--reduce none); the probes read one pooled vector per item: extract with --reduce "
                    + defaultHint(m));
        }
        long start = System.nanoTime();
        FeatureChunk c = store.readItems(m.pointNames(), items);
        return new LayerFeatures(m.model().name(), m.pointNames(), c.dimensions(), c.items(), c.values(),
                (System.nanoTime() - start) / 1e9);
    }

    /** The pooling a store was extracted with, as the probes' token. */
    public static TokenPooling storePooling(StoreManifest m) {
        return switch (m.reduce()) {
            case "last" -> TokenPooling.LAST;
            case "cls" -> TokenPooling.CLS;
            case "none" -> TokenPooling.NONE;
            default -> TokenPooling.MEAN;
        };
    }

    private static String defaultHint(StoreManifest m) {
        return m.points().stream().anyMatch(p -> p.reduction().equals("cls")) ? "cls" : "spatial-mean, cls, mean or last";
    }

    private static boolean hasTokenAxis(ModelManifest mf, List<String> points) {
        for (String p : points) {
            long[] s = mf.probePoint(p).shape();
            if (s.length == 2) {
                return true;
            }
        }
        return false;
    }
}
