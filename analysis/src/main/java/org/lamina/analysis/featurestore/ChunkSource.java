package org.lamina.analysis.featurestore;

import org.lamina.analysis.job.ProgressSink;

/**
 * Computes the rows of a chunk of items: the forward passes an analysis runs over its data, one
 * chunk at a time, so that a store of any size is written with the memory of one chunk. The
 * single-machine extraction and every Spark partition call the same source, which is what makes
 * their stores equal row for row.
 */
@FunctionalInterface
public interface ChunkSource {

    /**
     * The rows of {@code items} (strictly ascending data-set indices).
     *
     * @param progress per-chunk progress; a source checks it for cancellation between batches
     */
    FeatureChunk compute(int[] items, ProgressSink progress);
}
