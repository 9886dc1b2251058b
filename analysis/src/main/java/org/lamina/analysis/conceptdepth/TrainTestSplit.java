package org.lamina.analysis.conceptdepth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded shuffled train/test split of a concept's rows (the reference: test fraction 0.4,
 * seed 42, not stratified). The test part has {@code ceil(fraction · n)} rows as in sklearn's
 * {@code train_test_split}; the stratified variant splits each class the same way.
 * {@link #reference} reproduces scikit-learn's own permutation, which the Concept-Depth
 * repository uses, row for row.
 *
 * @param train row positions (into the concept's items) used to fit, ascending
 * @param test  row positions held out, ascending
 */
public record TrainTestSplit(int[] train, int[] test) {

    /** Splits rows {@code 0 … labels.length − 1}. */
    public static TrainTestSplit of(int[] labels, double testFraction, long seed, boolean stratified) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        if (stratified) {
            for (int cls = 0; cls <= 1; cls++) {
                List<Integer> rows = new ArrayList<>();
                for (int i = 0; i < labels.length; i++) {
                    if (labels[i] == cls) {
                        rows.add(i);
                    }
                }
                cut(rows, testFraction, rnd, train, test);
            }
        } else {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                rows.add(i);
            }
            cut(rows, testFraction, rnd, train, test);
        }
        return new TrainTestSplit(train.stream().mapToInt(Integer::intValue).sorted().toArray(),
                test.stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    /**
     * The split of {@code k}-th of {@code K} repeats: seed {@code seed + k} (split 0 is the
     * single split of earlier Lamina versions and, in {@link SplitMode#REFERENCE}, the reference's).
     */
    public static TrainTestSplit of(int[] labels, double testFraction, long seed, boolean stratified, SplitMode mode) {
        if (mode == SplitMode.REFERENCE) {
            if (stratified) {
                throw new IllegalArgumentException("--split reference is not stratified (as the CD repository's); "
                        + "drop --stratified or use --split seeded");
            }
            return reference(labels.length, testFraction, seed);
        }
        return of(labels, testFraction, seed, stratified);
    }

    /**
     * scikit-learn's {@code train_test_split(rows, test_size=fraction, random_state=seed)} (via
     * {@code ShuffleSplit}): {@code perm = np.random.RandomState(seed).permutation(n)}, test =
     * {@code perm[:ceil(fraction·n)]}, train = the rest; returned sorted (the probe's optimum
     * does not depend on row order).
     */
    public static TrainTestSplit reference(int n, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
        int[] perm = NumpyLegacyPermutation.permutation(seed, n);
        int nTest = (int) Math.ceil(testFraction * n);
        return new TrainTestSplit(java.util.Arrays.stream(perm, nTest, n).sorted().toArray(),
                java.util.Arrays.stream(perm, 0, nTest).sorted().toArray());
    }

    private static void cut(List<Integer> rows, double fraction, SplittableRandom rnd, List<Integer> train,
                            List<Integer> test) {
        for (int i = rows.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Integer t = rows.get(i);
            rows.set(i, rows.get(j));
            rows.set(j, t);
        }
        int nTest = (int) Math.ceil(fraction * rows.size());
        test.addAll(rows.subList(0, nTest));
        train.addAll(rows.subList(nTest, rows.size()));
    }
}
