package org.lamina.analysis.infoplane;

import org.lamina.analysis.data.DataException;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.InformationBottleneckData;
import org.lamina.analysis.data.SampleData;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The rows an information-plane experiment trains on and measures: inputs, labels, which rows
 * train, which are held out, and on which rows the MI is estimated.
 *
 * <p>Two kinds (shared/specs/infoplane.md): the generated 12-bit set, split by {@link SplitMode}
 * with MI on all 4,096 rows as the spec requires; and a bundled labelled image set (Fashion-MNIST
 * or MNIST subset, Saxe et al. 2018 §3 used MNIST with a 784-1024-20-20-20-10 net), whose rows are
 * the first {@code trainImages} of its training split then the first {@code testImages} of its
 * test split, pixels in [0, 1], with MI on the training rows, the test rows or both
 * ({@link DataChoice#miOn()}). Taking the first rows, not a random draw, keeps the subset the same
 * across runs and seeds; the bundled subsets are already class-balanced draws.
 *
 * @param description  one line for provenance
 * @param inputs       all rows, row-major {@code [rows × features]}
 * @param features     input width
 * @param labels       class of every row
 * @param classes      number of classes
 * @param trainRows    rows that train (in split order)
 * @param testRows     held-out rows
 * @param miRows       rows on which I(X;T) and I(T;Y) are estimated
 */
public record InfoPlaneData(String description, float[] inputs, int features, int[] labels, int classes,
                            int[] trainRows, int[] testRows, int[] miRows) {

    /** Input width of the bundled 28×28 image sets. */
    public static final int IMAGE_FEATURES = 28 * 28;
    /** Classes of the bundled image sets. */
    public static final int IMAGE_CLASSES = 10;

    /**
     * Which data an experiment uses: {@code ib} (the 12-bit set) or {@code sample:fashion} /
     * {@code sample:mnist} with the number of training and test images and the MI subset.
     *
     * @param source       {@code ib}, {@code sample:fashion} or {@code sample:mnist}
     * @param trainImages  images from the set's training split (image data only; default 2,000)
     * @param testImages   images from its test split (default 1,000)
     * @param miOn         {@code all}, {@code train} or {@code test}: rows the MI is estimated on
     *                     (always {@code all} for the 12-bit set, as the spec says)
     */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record DataChoice(String source, int trainImages, int testImages, String miOn) {

        /** The 12-bit set. */
        public static final DataChoice IB = new DataChoice("ib", 0, 0, "all");

        public DataChoice {
            source = source == null ? "ib" : source.trim().toLowerCase(Locale.ROOT);
            miOn = miOn == null ? "all" : miOn.trim().toLowerCase(Locale.ROOT);
            if (!List.of("ib", "sample:fashion", "sample:mnist").contains(source)) {
                throw new IllegalArgumentException("data must be ib (the 12-bit set), sample:fashion or sample:mnist, got '"
                        + source + "'");
            }
            if (!List.of("all", "train", "test").contains(miOn)) {
                throw new IllegalArgumentException("MI subset must be all, train or test, got '" + miOn + "'");
            }
            if (source.equals("ib")) {
                if (!miOn.equals("all")) {
                    throw new IllegalArgumentException("on the 12-bit set MI is always estimated on all 4,096 inputs "
                            + "(shared/specs/infoplane.md); --mi-on " + miOn + " applies to image data only");
                }
                trainImages = 0;
                testImages = 0;
            } else {
                if (trainImages < 1) {
                    throw new IllegalArgumentException("training images must be at least 1, got " + trainImages);
                }
                if (testImages < 0) {
                    throw new IllegalArgumentException("test images must be 0 or more, got " + testImages);
                }
                if (miOn.equals("test") && testImages == 0) {
                    throw new IllegalArgumentException("MI on the test images needs test images (got 0)");
                }
            }
        }

        /** Image data with the defaults: 2,000 training and 1,000 test images, MI on the test images. */
        public static DataChoice images(String source) {
            return new DataChoice(source, 2000, 1000, "test");
        }

        /** Whether this is the 12-bit set. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isInformationBottleneck() {
            return source.equals("ib");
        }

        /** Input width of this data. */
        public int features() {
            return isInformationBottleneck() ? InformationBottleneckData.BITS : IMAGE_FEATURES;
        }

        /** Number of classes. */
        public int classes() {
            return isInformationBottleneck() ? 2 : IMAGE_CLASSES;
        }

        /** Rows the MI is estimated on (before loading: from the counts). */
        public int miRowCount() {
            if (isInformationBottleneck()) {
                return InformationBottleneckData.SIZE;
            }
            return switch (miOn) {
                case "train" -> trainImages;
                case "test" -> testImages;
                default -> trainImages + testImages;
            };
        }

        /** Short text for figures and logs, e.g. {@code sample:fashion (2000 train, 1000 test; MI on test)}. */
        public String describe() {
            return isInformationBottleneck() ? "12-bit set"
                    : source + " (" + trainImages + " train, " + testImages + " test; MI on " + miOn + ")";
        }
    }

    /** Loads the data a parameter set names. */
    public static InfoPlaneData load(InfoPlaneParameters p) {
        DataChoice d = p.data();
        if (d.isInformationBottleneck()) {
            return informationBottleneck(p.split(), p.trainFraction(), p.seed());
        }
        return images(d);
    }

    /** The 12-bit set, split as asked, MI on all rows. */
    public static InfoPlaneData informationBottleneck(SplitMode split, double trainFraction, long seed) {
        int n = InformationBottleneckData.SIZE;
        int[] order = split.order(n, seed);
        int trainCount = SplitMode.trainCount(n, trainFraction);
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return new InfoPlaneData("12-bit set regenerated from its rule (4,096 patterns, 2,118 positives)",
                InformationBottleneckData.inputs(), InformationBottleneckData.BITS, InformationBottleneckData.labels(), 2,
                Arrays.copyOf(order, trainCount), Arrays.copyOfRange(order, trainCount, n), all);
    }

    /** A bundled image set: the first images of its train and test splits. */
    public static InfoPlaneData images(DataChoice d) {
        Dataset train = SampleData.open(d.source() + "-train", new long[] {1, 28, 28});
        Dataset test = SampleData.open(d.source() + "-test", new long[] {1, 28, 28});
        if (d.trainImages() > train.size()) {
            throw new DataException(d.source() + "-train has " + train.size() + " images; asked for " + d.trainImages()
                    + " training images");
        }
        if (d.testImages() > test.size()) {
            throw new DataException(d.source() + "-test has " + test.size() + " images; asked for " + d.testImages()
                    + " test images");
        }
        int rows = d.trainImages() + d.testImages();
        float[] x = new float[rows * IMAGE_FEATURES];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            boolean isTrain = i < d.trainImages();
            Dataset from = isTrain ? train : test;
            int index = isTrain ? i : i - d.trainImages();
            float[] s = from.sample(index);
            if (s.length != IMAGE_FEATURES) {
                throw new DataException(from.name() + " item " + index + " has " + s.length + " values, expected 28×28 = "
                        + IMAGE_FEATURES);
            }
            System.arraycopy(s, 0, x, i * IMAGE_FEATURES, IMAGE_FEATURES);
            y[i] = from.label(index);
        }
        int[] trainRows = range(0, d.trainImages());
        int[] testRows = range(d.trainImages(), rows);
        int[] miRows = switch (d.miOn()) {
            case "train" -> trainRows;
            case "test" -> testRows;
            default -> range(0, rows);
        };
        return new InfoPlaneData(d.describe() + ", pixels in [0, 1], first images of each split", x, IMAGE_FEATURES, y,
                IMAGE_CLASSES, trainRows, testRows, miRows);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        Arrays.setAll(r, i -> from + i);
        return r;
    }

    /** Number of rows. */
    public int rows() {
        return labels.length;
    }

    /** Labels of the MI rows. */
    public int[] miLabels() {
        int[] out = new int[miRows.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[miRows[i]];
        }
        return out;
    }

    /** Inputs of the MI rows, row-major. */
    public float[] miInputs() {
        float[] out = new float[miRows.length * features];
        for (int i = 0; i < miRows.length; i++) {
            System.arraycopy(inputs, miRows[i] * features, out, i * features, features);
        }
        return out;
    }
}
