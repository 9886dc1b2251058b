package org.lamina.analysis.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The next-token distribution after each text: the softmax of the logits at the row's last real
 * token (the runner's {@link org.lamina.analysis.model.TokenReadout}, so padding of a batch does
 * not change it).
 *
 * @param text        the text as given
 * @param ids         its ids (BOS per the manifest)
 * @param truncated   whether the text was cut to the model's maximum length
 * @param probabilities next-token probabilities over the vocabulary
 * @param logits      the logits they come from
 */
public record NextTokenPrediction(String text, long[] ids, boolean truncated, float[] probabilities, float[] logits) {

    /** One entry of a top-k list. */
    public record Candidate(int rank, long id, String token, double probability, double logit) {
    }

    /** Runs {@code texts} as one batch and returns one prediction per text. */
    public static List<NextTokenPrediction> run(ProbeableModel model, LanguageModelTokenizer tokenizer, List<String> texts,
                                                LanguageModelTokenizer.Truncation truncation) {
        TokenBatch batch = tokenizer.batch(texts, truncation);
        List<NextTokenPrediction> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            NDArray ids = batch.ids(m);
            try (Trace t = model.run(m, RunRequest.fromInput(ids).readout(batch.lastToken()).build())) {
                NDArray logits = t.logits();
                int vocab = (int) logits.getShape().get(1);
                float[] l = logits.toFloatArray();
                float[] p = logits.softmax(1).toFloatArray();
                for (int i = 0; i < texts.size(); i++) {
                    out.add(new NextTokenPrediction(texts.get(i), batch.row(i), batch.truncated()[i],
                            Arrays.copyOfRange(p, i * vocab, (i + 1) * vocab), Arrays.copyOfRange(l, i * vocab, (i + 1) * vocab)));
                }
            }
        }
        return out;
    }

    /** The {@code k} most probable next tokens, most probable first (ties: lower id first). */
    public List<Candidate> top(int k, LanguageModelTokenizer tokenizer) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -probabilities[i]).thenComparingInt(i -> i));
        List<Candidate> out = new ArrayList<>();
        for (int r = 0; r < Math.min(k, order.length); r++) {
            int id = order[r];
            out.add(new Candidate(r + 1, id, tokenizer.tokens(id).get(0), probabilities[id], logits[id]));
        }
        return out;
    }
}
