package org.lamina.analysis.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a probe point's activation reads as a spatial feature map: {@code rows × cols} positions of
 * {@code channels} values each. The one place that decides which probe points are spatial maps;
 * CHM-Corr (its feature grid) and CRAFT (its crop and image activations) both ask here.
 *
 * <p>Two kinds of points are spatial maps:
 * <ul>
 *   <li>{@link Kind#CHANNELS_FIRST}: a CNN map {@code [C, H, W]} with H·W &gt; 1;</li>
 *   <li>{@link Kind#TOKENS}: a ViT token point {@code [T, D]} of a model whose manifest has a
 *       {@code patchGrid [rows, cols]}, with T = rows·cols (no class token) or rows·cols + 1 (class
 *       token first, as in timm and Lamina's exporter), read as the patch tokens in row-major
 *       order with the class token dropped.</li>
 * </ul>
 * Not spatial maps, though their shapes may look like one: attention probabilities
 * {@code [heads, T, T]} of a ViT (square in tokens, not in space; read as a CNN map a
 * {@code blocks.11.attn.probs} of ViT-B/16 became a 197 × 197 "grid" of 12 channels and
 * CHM-Corr's 38 809² cell cosines ran out of memory), and a block's internal token points, the
 * export convention's {@code .attn.} and {@code .mlp.} points (e.g. {@code blocks.i.mlp.act},
 * the FFN hidden state {@code [T, 4D]}): they lie outside the residual stream, so they neither
 * describe what later blocks read nor can a run start from them. The residual-stream token
 * points — {@code embed}, {@code blocks.i}, {@code norm} — are the ViT's feature maps.
 *
 * @param point    the probe point
 * @param kind     how one sample's activation is laid out
 * @param rows     grid rows (H, or the patch grid's rows)
 * @param cols     grid columns
 * @param channels values per position (C, or the token width D)
 * @param skipped  leading tokens that are not patches (1 for a class token, else 0)
 */
public record SpatialLayout(ProbePoint point, Kind kind, int rows, int cols, int channels, int skipped) {

    /** Layout of one sample's activation. */
    public enum Kind {
        /** {@code [C, H, W]}. */
        CHANNELS_FIRST,
        /** {@code [T, D]}: {@code skipped} leading tokens, then rows·cols patch tokens row by row. */
        TOKENS
    }

    /** Name segments of a ViT block's internal points (export convention: {@code blocks.i.attn.probs}, {@code blocks.i.mlp.act}). */
    private static final Pattern BLOCK_INTERNAL = Pattern.compile("(^|\\.)(attn|mlp)(\\.|$)");

    /** Number of grid positions, rows·cols. */
    public int positions() {
        return rows * cols;
    }

    /** Whether the grid is square (CHM-Corr's G × G). */
    public boolean square() {
        return rows == cols;
    }

    /**
     * The layout of a point, or empty when it is not a spatial map (the rule above).
     */
    public static Optional<SpatialLayout> of(ModelManifest manifest, ProbePoint p) {
        long[] s = p.shape();
        Optional<int[]> grid = manifest.patchGrid();
        if (s.length == 3 && s[1] * s[2] > 1) {
            if (grid.isPresent() && s[1] == s[2] && isTokenCount(grid.get(), s[1])) {
                return Optional.empty(); // attention [heads, T, T]
            }
            return Optional.of(new SpatialLayout(p, Kind.CHANNELS_FIRST, (int) s[1], (int) s[2], (int) s[0], 0));
        }
        if (s.length == 2 && grid.isPresent() && isTokenCount(grid.get(), s[0]) && !BLOCK_INTERNAL.matcher(p.name()).find()) {
            int[] g = grid.get();
            int skipped = (int) (s[0] - (long) g[0] * g[1]);
            if (g[0] * g[1] < 2) {
                return Optional.empty();
            }
            return Optional.of(new SpatialLayout(p, Kind.TOKENS, g[0], g[1], (int) s[1], skipped));
        }
        return Optional.empty();
    }

    private static boolean isTokenCount(int[] grid, long tokens) {
        long patches = (long) grid[0] * grid[1];
        return tokens == patches || tokens == patches + 1;
    }

    /** Every probe point that is a spatial map, in forward order. */
    public static List<SpatialLayout> all(ModelManifest manifest) {
        List<SpatialLayout> out = new ArrayList<>();
        for (ProbePoint p : manifest.probePoints()) {
            of(manifest, p).ifPresent(out::add);
        }
        return out;
    }

    /** Names of {@link #all}. */
    public static List<String> names(ModelManifest manifest) {
        return all(manifest).stream().map(l -> l.point().name()).toList();
    }

    /**
     * The layout of the named point, or a {@link ModelException} that says why it is not a spatial
     * map and lists the points that are ({@code what} names the analysis, e.g. "CHM-Corr").
     */
    public static SpatialLayout require(ModelManifest manifest, String pointName, String what) {
        ProbePoint p = manifest.probePoint(pointName);
        return of(manifest, p).orElseThrow(() -> new ModelException("probe point '" + pointName + "' of model '"
                + manifest.name() + "' has shape " + Arrays.toString(p.shape()) + ", which is not a spatial feature map "
                + "(a CNN map [C, H, W], or the residual-stream tokens [rows·cols(+1), D] of a ViT with a patchGrid; "
                + "attention probabilities and a block's .attn./.mlp. points are not); " + what
                + " can use: " + usable(manifest)));
    }

    /** The usable points for a message: their names, or a note that there are none. */
    public static String usable(ModelManifest manifest) {
        List<String> names = names(manifest);
        return names.isEmpty() ? "none (model '" + manifest.name() + "' has no spatial probe point)" : String.join(", ", names);
    }

    /**
     * One sample's activation (as the model returns it, row-major in the point's shape) as a
     * position-major grid {@code [rows·cols × channels]}: position {@code row * cols + col}, the
     * class token dropped.
     */
    public float[] positionMajor(float[] sample) {
        int n = positions();
        float[] out = new float[n * channels];
        positionMajor(sample, 0, out, 0);
        return out;
    }

    /** {@link #positionMajor(float[])} of the sample at {@code from} in {@code batch}, written at {@code to} in {@code out}. */
    public void positionMajor(float[] batch, int from, float[] out, int to) {
        int n = positions();
        if (kind == Kind.TOKENS) {
            System.arraycopy(batch, from + skipped * channels, out, to, n * channels);
            return;
        }
        for (int c = 0; c < channels; c++) {
            int src = from + c * n;
            for (int i = 0; i < n; i++) {
                out[to + i * channels + c] = batch[src + i];
            }
        }
    }

    /** Values of one sample's activation ({@link ProbePoint#size}). */
    public int sampleSize() {
        return (int) point.size();
    }

    @Override
    public String toString() {
        return point.name() + " (" + rows + "×" + cols + " × " + channels + (kind == Kind.TOKENS
                ? " tokens" + (skipped > 0 ? ", class token dropped" : "") : "") + ")";
    }
}
