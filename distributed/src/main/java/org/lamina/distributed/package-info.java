/**
 * Lamina on Apache Spark (issue #20): {@code lamina-spark.jar}, a Spark application that extracts
 * a feature store on a cluster with the rows of the single-machine {@code lamina extract}. The
 * driver plans contiguous item ranges; each executor task opens the model once for its range, on
 * the GPU Spark's resource scheduling gave it or else the CPU, runs the same
 * {@link org.lamina.analysis.featurestore.ChunkSource} as one machine does, and writes its parts
 * with the single machine's DuckDB encoder; the driver writes the manifest last. The list, its
 * images, the store and the model folder may be paths on shared storage or URLs of Hadoop's file
 * systems ({@code hdfs://}, {@code s3a://}), read and written through Spark's Hadoop configuration
 * ({@link org.lamina.distributed.HadoopItemStorage}, {@link org.lamina.distributed.HadoopStoreFolder}).
 * Spark itself is a provided dependency: {@code spark-submit} brings it.
 */
package org.lamina.distributed;
