package org.lamina.analysis.featurestore;

import org.lamina.analysis.job.JobCancelledException;
import org.lamina.analysis.job.ProgressSink;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The single-machine extraction loop: items in chunks of {@code partRows}, each computed by the
 * analysis's {@link ChunkSource} and written as one part. A part is written on a background
 * thread while the next chunk is computed (Parquet encoding of 4,096 × 6,272 floats takes about
 * 3 s, as long as a small model's forward passes), so memory holds two chunks. Cancelling between
 * chunks (or inside one, where the source checks) leaves a folder without a manifest, which no
 * reader takes for a store.
 */
public final class StoreExtraction {

    /** Most rows per part: big enough for Parquet's row groups, small enough to hold in memory. */
    public static final int MAX_PART_ROWS = 4096;
    /** Fewest rows per part chosen automatically. */
    public static final int MIN_AUTO_PART_ROWS = 256;
    /**
     * Values per part aimed at when the rows are wide: a reader that fetches a few items (CHM-Corr's
     * exemplars from a {@code --reduce none} store) decodes whole parts, 0.5 s for 20 items with
     * 512-row parts against 1.5 s with 4,096-row parts of 6,272 floats (bench/README.md).
     */
    public static final long AUTO_PART_BYTES = 8L << 20;

    private StoreExtraction() {
    }

    /**
     * Rows per part: {@code requested} when positive, else (0, automatic) as many rows as fill
     * {@link #AUTO_PART_BYTES} of float values, between {@link #MIN_AUTO_PART_ROWS} and
     * {@link #MAX_PART_ROWS}. Single machine and Spark call this alike, so they cut the same parts.
     */
    public static int partRows(int requested, List<StoreManifest.PointColumn> columns) {
        if (requested < 0) {
            throw new IllegalArgumentException("--part-rows must be ≥ 1, or 0 for automatic, got " + requested);
        }
        if (requested > 0) {
            return requested;
        }
        long rowBytes = 4L * Math.max(1, columns.stream().mapToLong(StoreManifest.PointColumn::dimension).sum());
        return (int) Math.max(MIN_AUTO_PART_ROWS, Math.min(MAX_PART_ROWS, AUTO_PART_BYTES / rowBytes));
    }

    /** Computes and writes every chunk of {@code items} (ascending); progress counts items. */
    public static void run(ChunkSource source, int[] items, int partRows, PartSink writer,
                           ProgressSink progress) {
        if (partRows < 1) {
            throw new IllegalArgumentException("--part-rows must be at least 1, got " + partRows);
        }
        progress.begin(items.length);
        ExecutorService io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lamina-store-writer");
            t.setDaemon(true);
            return t;
        });
        Future<?> writing = null;
        try {
            for (int from = 0; from < items.length; from += partRows) {
                progress.checkCancelled();
                int[] chunk = Arrays.copyOfRange(items, from, Math.min(items.length, from + partRows));
                ChunkProgress inner = new ChunkProgress(progress, chunk.length, from, items.length);
                FeatureChunk rows = source.compute(chunk, inner);
                // One part in flight: the writer's DuckDB connection is used by one thread at a time,
                // and parts are written in item order.
                await(writing);
                writing = io.submit(() -> writer.write(rows));
                progress.advance(chunk.length - inner.reported);
            }
            await(writing);
            writing = null;
        } finally {
            if (writing != null) {
                // Cancelled or failed while a part was being written: let it finish (a torn part is
                // never visible anyway) so the writer can be closed safely.
                try {
                    writing.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException ignored) {
                    // The first error is the one being thrown.
                }
            }
            io.shutdown();
        }
    }

    private static void await(Future<?> writing) {
        if (writing == null) {
            return;
        }
        try {
            writing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobCancelledException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new FeatureStoreException("writing a feature-store part failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * The source counts its own units (batches); they are scaled to this chunk's items so the bar
     * moves inside a part, and whatever rounding left is added when the chunk is done.
     */
    private static final class ChunkProgress implements ProgressSink {

        private final ProgressSink progress;
        private final int length;
        private final int done;
        private final int total;
        private long units = 1;
        private long unitsDone;
        private long reported;

        ChunkProgress(ProgressSink progress, int length, int done, int total) {
            this.progress = progress;
            this.length = length;
            this.done = done;
            this.total = total;
        }

        @Override
        public void begin(long units) {
            this.units = Math.max(1, units);
            this.unitsDone = 0;
        }

        @Override
        public void advance(long n) {
            unitsDone += n;
            long reached = Math.min(length, length * unitsDone / units);
            progress.advance(reached - reported);
            reported = reached;
        }

        @Override
        public void message(String text) {
            progress.message(text + " (items " + (done + 1) + "…" + (done + length) + " of " + total + ")");
        }

        @Override
        public boolean isCancelled() {
            return progress.isCancelled();
        }
    }
}
