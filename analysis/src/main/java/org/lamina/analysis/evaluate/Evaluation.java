package org.lamina.analysis.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.data.BatchPrefetch;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.export.FigureData;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.IntConsumer;

/**
 * Classifies every sample of a data set in memory-bounded batches (decoded ahead on a background
 * thread, {@link BatchPrefetch}, so an image folder of any size is never held whole) and compares the arg-max of
 * the logits with the labels. Inputs are normalised with the model's manifest, exactly as the
 * Python training scripts do (uint8/255, then (x − mean)/std in float32), so the accuracy equals
 * the one recorded at training time on the same images.
 *
 * <p>Besides top-1 it counts top-5 hits (the true class among the five largest logits; the usual
 * ImageNet measure, only meaningful with at least {@link #TOP_K} classes). A class with no sample
 * in the data set has no accuracy: {@link ClassResult#accuracy()} is empty for it, and tables
 * show it as such instead of a NaN (issue #21, §5: a 1000-class model on a 50-class subset).
 *
 * @param model           model name
 * @param data            data set name
 * @param samples         number of samples evaluated
 * @param accuracy        fraction correct
 * @param perClassAccuracy fraction correct per true class (NaN for a class with no samples; use
 *                        {@link #perClass()} for anything shown to people)
 * @param confusion       {@code confusion[true][predicted]} counts
 * @param labels          class names
 * @param top5Correct     per true class, how many samples had their class among the five largest logits
 */
public record Evaluation(String model, String data, int samples, double accuracy, double[] perClassAccuracy,
                         int[][] confusion, List<String> labels, int[] top5Correct) {

    /** The k of the top-k accuracy reported besides top-1. */
    public static final int TOP_K = 5;

    /**
     * One class's row of the per-class table.
     *
     * @param index       class index
     * @param label       class name
     * @param samples     samples of this true class
     * @param correct     of those, predicted as this class (top-1)
     * @param top5Correct of those, with this class among the five largest logits
     */
    public record ClassResult(int index, String label, int samples, int correct, int top5Correct) {

        /** Top-1 accuracy; empty for a class with no samples. */
        public OptionalDouble accuracy() {
            return samples == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) correct / samples);
        }

        /** Top-5 accuracy; empty for a class with no samples. */
        public OptionalDouble top5Accuracy() {
            return samples == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) top5Correct / samples);
        }
    }

    /** Evaluates {@code model} on {@code data}; {@code progress} receives samples done so far. */
    public static Evaluation run(ProbeableModel model, Dataset data, IntConsumer progress) {
        ModelManifest mf = model.manifest();
        mf.requireNotLanguageModel("evaluate");
        if (!Arrays.equals(mf.input().shape(), data.sampleShape())) {
            throw new ModelException("data set '" + data.name() + "' has samples of shape " + Arrays.toString(data.sampleShape())
                    + " but model '" + mf.name() + "' expects " + Arrays.toString(mf.input().shape()));
        }
        int classes = mf.labels().size();
        int[][] confusion = new int[classes][classes];
        int[] top5 = new int[classes];
        int batch = BatchPlanner.forwardBatchSize(mf, model.device());
        // Decoding the next batches overlaps the forward pass; at most a few batches are decoded at once.
        try (BatchPrefetch batches = BatchPrefetch.range(data, 0, data.size(), batch, mf.input().mean(),
                mf.input().std())) {
            while (batches.hasNext()) {
                BatchPrefetch.Batch b = batches.next();
                try (NDManager m = NDManager.newBaseManager(model.device())) {
                    NDArray x = b.tensor(m);
                    Trace t = model.run(m, RunRequest.fromInput(x).build());
                    NDArray logits = t.logits();
                    long[] predicted = logits.argMax(1).toLongArray();
                    // B × K floats: 4 MB for a batch of 1000 at 1000 classes, bounded by the batch planner.
                    float[] values = logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                    for (int k = 0; k < b.items().length; k++) {
                        int truth = data.label(b.items()[k]);
                        if (truth >= classes) {
                            throw new ModelException("data set '" + data.name() + "' has label " + truth + " but model '"
                                    + mf.name() + "' has only " + classes + " classes");
                        }
                        confusion[truth][(int) predicted[k]]++;
                        if (rank(values, k * classes, classes, truth) < TOP_K) {
                            top5[truth]++;
                        }
                    }
                }
                progress.accept(b.to());
            }
        }
        return of(mf.name(), data.name(), mf.labels(), confusion, top5);
    }

    /**
     * The rank of class {@code c} among the logits {@code v[offset … offset+k)}: how many classes
     * come before it, ties broken by index (the first maximum is the arg-max, as in PyTorch), so
     * rank 0 is exactly the top-1 prediction.
     */
    static int rank(float[] v, int offset, int k, int c) {
        float x = v[offset + c];
        int r = 0;
        for (int j = 0; j < k; j++) {
            float y = v[offset + j];
            if (y > x || (y == x && j < c)) {
                r++;
            }
        }
        return r;
    }

    /** An evaluation from its counts (what {@link #run} collects; tests build one directly). */
    public static Evaluation of(String model, String data, List<String> labels, int[][] confusion, int[] top5Correct) {
        int classes = labels.size();
        if (confusion.length != classes || top5Correct.length != classes) {
            throw new IllegalArgumentException("counts for " + confusion.length + " classes but " + classes + " labels");
        }
        int correct = 0;
        int samples = 0;
        double[] perClass = new double[classes];
        for (int c = 0; c < classes; c++) {
            if (confusion[c].length != classes) {
                throw new IllegalArgumentException("confusion row " + c + " has " + confusion[c].length + " columns, expected " + classes);
            }
            int total = Arrays.stream(confusion[c]).sum();
            samples += total;
            correct += confusion[c][c];
            perClass[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }
        return new Evaluation(model, data, samples, samples == 0 ? 0 : (double) correct / samples, perClass, confusion,
                List.copyOf(labels), top5Correct.clone());
    }

    /** Whether a top-5 accuracy means anything: at least five classes. */
    public boolean hasTop5() {
        return labels.size() >= TOP_K;
    }

    /** Fraction of samples whose class is among the five largest logits; empty with fewer than five classes. */
    public OptionalDouble top5Accuracy() {
        if (!hasTop5() || samples == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((double) Arrays.stream(top5Correct).sum() / samples);
    }

    /** One row per class, in class order. */
    public List<ClassResult> perClass() {
        List<ClassResult> out = new ArrayList<>(labels.size());
        for (int c = 0; c < labels.size(); c++) {
            out.add(new ClassResult(c, labels.get(c), Arrays.stream(confusion[c]).sum(), confusion[c][c], top5Correct[c]));
        }
        return out;
    }

    /** Number of classes with at least one sample. */
    public int classesWithSamples() {
        return (int) perClass().stream().filter(r -> r.samples() > 0).count();
    }

    /**
     * The {@code n} classes with the highest top-1 accuracy among those with samples; ties go to
     * the class with more samples (more evidence), then to the lower index.
     */
    public List<ClassResult> best(int n) {
        return ranked(n, Comparator.comparingDouble((ClassResult r) -> -r.accuracy().getAsDouble()));
    }

    /**
     * The {@code n} classes with the lowest top-1 accuracy among those with samples; ties go to
     * the class with more samples, then to the lower index.
     */
    public List<ClassResult> worst(int n) {
        return ranked(n, Comparator.comparingDouble((ClassResult r) -> r.accuracy().getAsDouble()));
    }

    private List<ClassResult> ranked(int n, Comparator<ClassResult> byAccuracy) {
        if (n < 1) {
            throw new IllegalArgumentException("the number of classes to list must be at least 1, got " + n);
        }
        return perClass().stream().filter(r -> r.samples() > 0)
                .sorted(byAccuracy.thenComparing(Comparator.comparingInt(ClassResult::samples).reversed())
                        .thenComparingInt(ClassResult::index))
                .limit(n).toList();
    }

    /**
     * The per-class table ({@code per-class.csv}): class index, label, samples, correct, accuracy,
     * top-5 correct, top-5 accuracy. Accuracies of a class without samples are empty cells; the
     * top-5 columns are empty with fewer than five classes.
     */
    public FigureData perClassTable() {
        FigureData.Builder b = FigureData.builder("class", "label", "samples", "correct", "accuracy", "top5_correct",
                "top5_accuracy");
        boolean top = hasTop5();
        for (ClassResult r : perClass()) {
            b.row(r.index(), r.label(), r.samples(), r.correct(), r.accuracy().isPresent() ? r.accuracy().getAsDouble() : null,
                    top ? r.top5Correct() : null,
                    top && r.top5Accuracy().isPresent() ? r.top5Accuracy().getAsDouble() : null);
        }
        return b.build();
    }

    /**
     * The confusion matrix as a table ({@code confusion.csv}): one row per true class (index,
     * label), one column per predicted class, headed by its label.
     */
    public FigureData confusionTable() {
        String[] columns = new String[labels.size() + 2];
        columns[0] = "true_class";
        columns[1] = "true_label";
        for (int c = 0; c < labels.size(); c++) {
            columns[c + 2] = labels.get(c);
        }
        FigureData.Builder b = FigureData.builder(columns);
        for (int t = 0; t < labels.size(); t++) {
            Object[] row = new Object[labels.size() + 2];
            row[0] = t;
            row[1] = labels.get(t);
            for (int p = 0; p < labels.size(); p++) {
                row[p + 2] = confusion[t][p];
            }
            b.row(row);
        }
        return b.build();
    }
}
