/**
 * Feature stores (issue #20): the product of the expensive part of every analysis, forward passes
 * over a data set, kept as a folder of Parquet files (item id, label, source, one float-array
 * column per probe point) and a manifest written last. A store is read as it is by pandas,
 * pyarrow, DuckDB and Spark; in-process Lamina writes and reads it through DuckDB's JDBC driver,
 * and the {@code distributed} module writes the same layout from Spark executors.
 *
 * <p>Core package: it knows nothing of the analyses that fill or read a store. An analysis hands
 * the extraction a {@link org.lamina.analysis.featurestore.ChunkSource} that computes the rows of
 * a chunk of items; consumers turn {@link org.lamina.analysis.featurestore.FeatureChunk}s into
 * their own feature types. {@link org.lamina.analysis.featurestore.StoreOverview} is what the
 * workbench's data list shows of a store: a manifest summary and the rows an SQL condition selects.
 * {@link org.lamina.analysis.featurestore.StoreFolder} is the folder a store is written into, local
 * here and on Hadoop's file systems in the {@code distributed} module, with the same rules.
 */
package org.lamina.analysis.featurestore;
