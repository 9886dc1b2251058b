package org.lamina.analysis.featurestore;

/**
 * Where {@link StoreExtraction} puts each computed chunk: a {@link FeatureStoreWriter} on one
 * machine, a Spark task's own {@link PartWriter} on a cluster. Called from one thread at a time,
 * chunks in item order.
 */
@FunctionalInterface
public interface PartSink {

    /** Writes {@code chunk} as a part. */
    void write(FeatureChunk chunk);
}
