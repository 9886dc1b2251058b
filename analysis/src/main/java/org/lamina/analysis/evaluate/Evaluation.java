package org.lamina.analysis.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.data.BatchPrefetch;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Classifies every sample of a data set in memory-bounded batches (decoded ahead on a background
 * thread, {@link BatchPrefetch}, so an image folder of any size is never held whole) and compares the arg-max of
 * the logits with the labels. Inputs are normalised with the model's manifest, exactly as the
 * Python training scripts do (uint8/255, then (x − mean)/std in float32), so the accuracy equals
 * the one recorded at training time on the same images.
 *
 * @param model           model name
 * @param data            data set name
 * @param samples         number of samples evaluated
 * @param accuracy        fraction correct
 * @param perClassAccuracy fraction correct per true class (NaN for a class with no samples)
 * @param confusion       {@code confusion[true][predicted]} counts
 * @param labels          class names
 */
public record Evaluation(String model, String data, int samples, double accuracy, double[] perClassAccuracy,
                         int[][] confusion, List<String> labels) {

    /** Evaluates {@code model} on {@code data}; {@code progress} receives samples done so far. */
    public static Evaluation run(ProbeableModel model, Dataset data, IntConsumer progress) {
        ModelManifest mf = model.manifest();
        if (!Arrays.equals(mf.input().shape(), data.sampleShape())) {
            throw new ModelException("data set '" + data.name() + "' has samples of shape " + Arrays.toString(data.sampleShape())
                    + " but model '" + mf.name() + "' expects " + Arrays.toString(mf.input().shape()));
        }
        int classes = mf.labels().size();
        int[][] confusion = new int[classes][classes];
        int batch = BatchPlanner.forwardBatchSize(mf, model.device());
        // Decoding the next batches overlaps the forward pass; at most a few batches are decoded at once.
        try (BatchPrefetch batches = BatchPrefetch.range(data, 0, data.size(), batch, mf.input().mean(),
                mf.input().std())) {
            while (batches.hasNext()) {
                BatchPrefetch.Batch b = batches.next();
                try (NDManager m = NDManager.newBaseManager(model.device())) {
                    NDArray x = b.tensor(m);
                    Trace t = model.run(m, RunRequest.fromInput(x).build());
                    long[] predicted = t.logits().argMax(1).toLongArray();
                    for (int k = 0; k < b.items().length; k++) {
                        int truth = data.label(b.items()[k]);
                        if (truth >= classes) {
                            throw new ModelException("data set '" + data.name() + "' has label " + truth + " but model '"
                                    + mf.name() + "' has only " + classes + " classes");
                        }
                        confusion[truth][(int) predicted[k]]++;
                    }
                }
                progress.accept(b.to());
            }
        }
        int correct = 0;
        double[] perClass = new double[classes];
        for (int c = 0; c < classes; c++) {
            int total = Arrays.stream(confusion[c]).sum();
            correct += confusion[c][c];
            perClass[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }
        return new Evaluation(mf.name(), data.name(), data.size(), (double) correct / data.size(), perClass, confusion,
                mf.labels());
    }
}
