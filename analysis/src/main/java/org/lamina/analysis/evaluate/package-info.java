/** Accuracy of a model on a labelled data set: overall, per class, and the confusion matrix. */
package org.lamina.analysis.evaluate;
