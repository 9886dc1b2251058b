package org.lamina.analysis.conceptdepth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded shuffled train/test split of a concept's rows (the reference: test fraction 0.4,
 * seed 42, not stratified). The test part has {@code ceil(fraction · n)} rows as in sklearn's
 * {@code train_test_split}; the stratified variant splits each class the same way.
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
