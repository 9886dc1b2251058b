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
     * Refuses a request that no classification could satisfy, before anything is computed: fewer
     * than one trial, or more trials than the query set has images. Whether there are enough
     * AI-correct and AI-wrong images is known only after classifying; {@link #draw} refuses that
     * with the real counts, still before anything is written.
     *
     * @param queries names the query set in the message
     */
    public static void checkFeasible(int candidates, int correct, int wrong, String queries) {
        if (correct < 0 || wrong < 0 || correct + wrong == 0) {
            throw new StudyException("need at least one trial: --correct " + correct + ", --wrong " + wrong);
        }
        if ((long) correct + wrong > candidates) {
            throw new StudyException("asked for " + correct + " AI-correct + " + wrong + " AI-wrong = " + ((long) correct + wrong)
                    + " trials, but " + queries + " has only " + candidates + " images; nothing was computed");
        }
    }

    /**
     * @param candidates  number of images in the query set (indices 0 … candidates − 1)
     * @param trueLabel   label of an image
     * @param aiDecision  CHM-Corr's label for an image (runs the classifier; called only as needed)
     */
    public static List<StudyProtocol.Trial> draw(int candidates, IntUnaryOperator trueLabel, IntUnaryOperator aiDecision,
                                                 int correct, int wrong, long seed) {
        checkFeasible(candidates, correct, wrong, "the query set");
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
