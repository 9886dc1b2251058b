package org.lamina.analysis.chmcorr.study;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * Draws a protocol's trials (spec: "e.g. 20 = 10 where the model is right, 10 wrong, drawn with a
 * seed"): candidate images are visited in a seeded random order and the AI (CHM-Corr) decides each
 * until both quotas are filled; the chosen trials are then shuffled with the same seed.
 */
public final class ProtocolGenerator {

    private ProtocolGenerator() {
    }

    /**
     * @param candidates  number of images in the query set (indices 0 … candidates − 1)
     * @param trueLabel   label of an image
     * @param aiDecision  CHM-Corr's label for an image (runs the classifier; called only as needed)
     */
    public static List<StudyProtocol.Trial> draw(int candidates, IntUnaryOperator trueLabel, IntUnaryOperator aiDecision,
                                                 int correct, int wrong, long seed) {
        if (correct < 0 || wrong < 0 || correct + wrong == 0) {
            throw new StudyException("need at least one trial: --correct " + correct + ", --wrong " + wrong);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            order.add(i);
        }
        Random random = new Random(seed);
        Collections.shuffle(order, random);
        List<StudyProtocol.Trial> right = new ArrayList<>();
        List<StudyProtocol.Trial> bad = new ArrayList<>();
        for (int i : order) {
            if (right.size() >= correct && bad.size() >= wrong) {
                break;
            }
            int label = trueLabel.applyAsInt(i);
            int ai = aiDecision.applyAsInt(i);
            List<StudyProtocol.Trial> bucket = ai == label ? right : bad;
            if (bucket.size() < (ai == label ? correct : wrong)) {
                bucket.add(new StudyProtocol.Trial(i, label, ai, ai == label));
            }
        }
        if (right.size() < correct || bad.size() < wrong) {
            throw new StudyException("only " + right.size() + " AI-correct and " + bad.size() + " AI-wrong images among "
                    + candidates + " candidates; asked for " + correct + " and " + wrong);
        }
        List<StudyProtocol.Trial> all = new ArrayList<>(right);
        all.addAll(bad);
        Collections.shuffle(all, random);
        return all;
    }
}
