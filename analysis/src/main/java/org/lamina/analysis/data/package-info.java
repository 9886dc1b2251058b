/**
 * Reading data into model inputs: IDX files (MNIST/Fashion-MNIST format, gzipped or not) and
 * images (PNG/JPEG) resized and normalised per a model's manifest. Bad files get errors that
 * name the file and what is wrong with it.
 */
package org.lamina.analysis.data;
