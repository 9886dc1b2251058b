/**
 * Reading data into model inputs: IDX files (MNIST/Fashion-MNIST format, gzipped or not) and
 * images (PNG/JPEG, read as PIL's {@code convert}) resized and normalised per a model's manifest.
 * An image folder's class folders are matched to the model's labels by name, by index or by a
 * map file ({@link org.lamina.analysis.data.ClassFolderMapping}), and a model's default data sets
 * are the ones its manifest records ({@link org.lamina.analysis.data.ModelDataSets}). Bad files
 * get errors that name the file, the line and what is wrong with it; text files must be UTF-8.
 * Text data sets for language models ({@link org.lamina.analysis.data.TextDataset}) are a
 * {@code .txt} file (one item per line) or a {@code .csv} file {@code text,label}.
 * Images may also be named by a list file, one {@code path[,label]} a line
 * ({@link org.lamina.analysis.data.ImageListDataset}), the data of a Spark extraction (issue #20);
 * where a list and its images are read from is an {@link org.lamina.analysis.data.ItemStorage}
 * (local files here; the {@code distributed} module reads URLs through Hadoop's file systems).
 */
package org.lamina.analysis.data;
