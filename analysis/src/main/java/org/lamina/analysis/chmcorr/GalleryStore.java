package org.lamina.analysis.chmcorr;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.FeatureStore;
import org.lamina.analysis.featurestore.FeatureStoreException;
import org.lamina.analysis.featurestore.StoreExtraction;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.SpatialLayout;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A CHM-Corr gallery read from a feature store instead of the model (issue #20,
 * {@code lamina chmcorr --gallery-store STORE}): the store is a plain
 * {@code lamina extract MODEL --data GALLERY --points P --reduce none} store, whose column at the
 * feature-grid point P holds each gallery image's whole activation, flattened as the model returns
 * it ({@code [C, G, G]}, or a ViT's {@code [G·G+1, D]} tokens). From it come both things the gallery
 * is run for today: the pooled, L2-normalised index ({@link #index}, the spatial means of the same
 * {@link FeatureGrid}s) and the shortlisted exemplars' grids ({@link #grids}). The rows are read
 * through the same {@link SpatialLayout} as {@link SpatialFeatures}, so a decision from a store is
 * the decision from the model, up to the float rounding of a forward batch of another size.
 *
 * <p>A store is refused, naming the store, the manifest field and what was expected, unless its
 * weights, model.json digest, data content, point, reduction ({@code none}) and shape are the
 * ones this run's model, gallery and {@code --point} would compute.
 */
public final class GalleryStore {

    /**
     * Values read per query while building the index (64 Mi floats, 256 MB): a read holds at most
     * this many, and as many whole maps as fit, up to the largest part
     * ({@link StoreExtraction#MAX_PART_ROWS} rows) so that a read decodes each Parquet part once.
     */
    static final long READ_VALUES = 64L << 20;

    private final FeatureStore store;
    private final SpatialFeatures features;
    private final Dataset data;

    private GalleryStore(FeatureStore store, SpatialFeatures features, Dataset data) {
        this.store = store;
        this.features = features;
        this.data = data;
    }

    /** Opens {@code dir} as the gallery of {@code features} over {@code data}, or refuses it. */
    public static GalleryStore open(Path dir, SpatialFeatures features, Dataset data) {
        FeatureStore s = FeatureStore.open(dir);
        requireMatches(s, features, data);
        return new GalleryStore(s, features, data);
    }

    /** The store read. */
    public FeatureStore store() {
        return store;
    }

    /**
     * What identifies the store's rows beyond the model and data (which the cache key already
     * holds): its folder, when its manifest was written and where its forwards ran. A store
     * extracted again is a new origin.
     */
    public String origin() {
        StoreManifest m = store.manifest();
        return store.directory().toAbsolutePath().normalize() + " created " + m.created() + " device " + m.device()
                + " engine " + m.engine();
    }

    /** Checks every manifest field a gallery depends on; the message names the store, the field and the expected value. */
    static void requireMatches(FeatureStore s, SpatialFeatures features, Dataset data) {
        StoreManifest m = s.manifest();
        String where = "gallery store " + s.directory() + ": manifest field ";
        s.requireSource("gallery store", features.model(), data);
        String point = features.point().name();
        int p = m.pointIndex(point);
        if (p < 0) {
            throw new FeatureStoreException(where + "points has no '" + point + "' (it holds " + String.join(", ",
                    m.pointNames()) + "), expected the feature-grid point; extract with --points " + point
                    + " --reduce none");
        }
        StoreManifest.PointColumn c = m.points().get(p);
        if (!"none".equals(c.reduction())) {
            throw new FeatureStoreException(where + "points['" + point + "'].reduction is '" + c.reduction()
                    + "', expected 'none': CHM-Corr matches patches, so it needs the whole feature map; extract with "
                    + "--points " + point + " --reduce none");
        }
        if (!Arrays.equals(c.shape(), features.point().shape())
                || c.dimension() != features.layout().sampleSize()) {
            throw new FeatureStoreException(where + "points['" + point + "'].shape is " + Arrays.toString(c.shape())
                    + " (" + c.dimension() + " values), expected " + Arrays.toString(features.point().shape()));
        }
    }

    /**
     * The pooled, L2-normalised index of items {@code [0, size)}, as {@link GalleryIndexCache#build}
     * computes it from the model: every one of those items must be in the store.
     */
    public GalleryIndex index(int size, ProgressSink progress) {
        if (size < 1 || size > data.size()) {
            throw new IllegalArgumentException("gallery size must be 1 … " + data.size() + " for '" + data.name()
                    + "', got " + size);
        }
        int d = features.channels();
        float[] rows = new float[Math.multiplyExact(size, d)];
        int[] labels = new int[size];
        int step = (int) Math.max(1, Math.min(StoreExtraction.MAX_PART_ROWS,
                READ_VALUES / features.layout().sampleSize()));
        progress.begin((size + step - 1) / step);
        for (int from = 0; from < size; from += step) {
            progress.checkCancelled();
            int to = Math.min(size, from + step);
            FeatureChunk c = store.readPresent(List.of(features.point().name()),
                    IntStream.range(from, to).toArray());
            requireAll(c, from, to);
            FeatureGrid[] g = grids(c);
            for (int i = 0; i < g.length; i++) {
                System.arraycopy(g[i].pooled(), 0, rows, (from + i) * d, d);
                labels[from + i] = data.label(from + i);
            }
            progress.message("gallery features from " + store.directory() + ": " + to + " / " + size);
            progress.advance(1);
        }
        return new GalleryIndex(features.model().weightsSha256(), data.name(), features.point().name(), d,
                GalleryIndex.normaliseRows(rows, d), labels, data.classNames());
    }

    /** Feature grids of gallery items, in the order given (a shortlist's order), read from the store. */
    public FeatureGrid[] grids(int[] items) {
        if (items.length == 0) {
            return new FeatureGrid[0];
        }
        int[] sorted = Arrays.stream(items).distinct().sorted().toArray();
        FeatureChunk c = store.readPresent(List.of(features.point().name()), sorted);
        if (c.size() != sorted.length) {
            int[] got = c.items();
            String missing = Arrays.stream(sorted).filter(i -> Arrays.binarySearch(got, i) < 0).limit(5)
                    .mapToObj(Integer::toString).collect(Collectors.joining(", "));
            throw new FeatureStoreException("gallery store " + store.directory() + " lacks gallery items " + missing
                    + " (it holds " + store.manifest().rows() + " rows); extract the whole gallery");
        }
        FeatureGrid[] byItem = grids(c);
        FeatureGrid[] out = new FeatureGrid[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = byItem[Arrays.binarySearch(c.items(), items[i])];
        }
        return out;
    }

    private FeatureGrid[] grids(FeatureChunk c) {
        SpatialLayout layout = features.layout();
        float[] flat = c.values().get(0);
        int per = layout.sampleSize();
        FeatureGrid[] out = new FeatureGrid[c.size()];
        for (int i = 0; i < out.length; i++) {
            float[] cells = new float[layout.positions() * features.channels()];
            layout.positionMajor(flat, i * per, cells, 0);
            out[i] = FeatureGrid.fromPositionMajor(cells, features.channels(), features.grid());
        }
        return out;
    }

    private void requireAll(FeatureChunk c, int from, int to) {
        if (c.size() != to - from) {
            int[] got = c.items();
            int first = from;
            while (first < to && Arrays.binarySearch(got, first) >= 0) {
                first++;
            }
            throw new FeatureStoreException("gallery store " + store.directory() + " holds " + store.manifest().rows()
                    + " rows but lacks gallery item " + first + ", which the gallery's first images include; extract the "
                    + "whole gallery, or pass a smaller --gallery-size");
        }
    }
}
