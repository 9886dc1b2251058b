package org.lamina.analysis.featurestore;

import org.lamina.analysis.job.ProgressSink;

import java.util.Arrays;

/**
 * The single-machine extraction loop: items in chunks of {@code partRows}, each computed by the
 * analysis's {@link ChunkSource} and written as one part. Memory is one chunk; cancelling between
 * chunks (or inside one, where the source checks) leaves a folder without a manifest, which no
 * reader takes for a store.
 */
public final class StoreExtraction {

    /** Rows per part by default: big enough for Parquet's row groups, small enough to hold in memory. */
    public static final int DEFAULT_PART_ROWS = 4096;

    private StoreExtraction() {
    }

    /** Computes and writes every chunk of {@code items} (ascending); progress counts items. */
    public static void run(ChunkSource source, int[] items, int partRows, FeatureStoreWriter writer,
                           ProgressSink progress) {
        if (partRows < 1) {
            throw new IllegalArgumentException("--part-rows must be at least 1, got " + partRows);
        }
        progress.begin(items.length);
        for (int from = 0; from < items.length; from += partRows) {
            progress.checkCancelled();
            int[] chunk = Arrays.copyOfRange(items, from, Math.min(items.length, from + partRows));
            int done = from;
            // The source counts its own units (batches); they are scaled to this chunk's items so
            // the bar moves inside a part, and whatever rounding left is added when the part is written.
            long[] inner = {1, 0, 0};
            FeatureChunk rows = source.compute(chunk, new ProgressSink() {
                @Override
                public void begin(long total) {
                    inner[0] = Math.max(1, total);
                    inner[1] = 0;
                }

                @Override
                public void advance(long units) {
                    inner[1] += units;
                    long reached = Math.min(chunk.length, chunk.length * inner[1] / inner[0]);
                    progress.advance(reached - inner[2]);
                    inner[2] = reached;
                }

                @Override
                public void message(String text) {
                    progress.message(text + " (items " + (done + 1) + "…" + (done + chunk.length) + " of "
                            + items.length + ")");
                }

                @Override
                public boolean isCancelled() {
                    return progress.isCancelled();
                }
            });
            writer.write(rows);
            progress.advance(chunk.length - inner[2]);
        }
    }
}
