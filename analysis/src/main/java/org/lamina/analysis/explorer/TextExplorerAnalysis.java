package org.lamina.analysis.explorer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.lm.LanguageModelTokenizer;
import org.lamina.analysis.lm.NextTokenPrediction;
import org.lamina.analysis.logitlens.LogitLens;
import org.lamina.analysis.model.LanguageModelSpec;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.ArrayList;
import java.util.List;

/**
 * The explorer for decoder language models (issue #18, "Explorer for text"): one prompt, no
 * padding (a single row, so every position is a real token), read with the model's own forward.
 * Two passes: the logit lens ({@link LogitLens}, which runs the forward and decodes every layer
 * through the model's {@code run_from}) and one forward that captures the chosen block's attention
 * probabilities and the chosen point. The next-token distribution is the softmax of the logits at
 * the last position, as in {@code lamina predict --text}.
 *
 * <p>Which probe points are valid is decided before any forward: the attention block must exist
 * and the export must have its {@code blocks.i.attn.probs} point, and the histogram point must be
 * per-token {@code [seq, d]}; otherwise an {@link IllegalArgumentException} names the choices.
 */
public final class TextExplorerAnalysis {

    /** Method name in sessions and provenance. */
    public static final String METHOD = "explorer-text";

    private TextExplorerAnalysis() {
    }

    /** The attention-probability point of block {@code i} in the causal-LM export convention. */
    public static String attentionPoint(int block) {
        return "blocks." + block + ".attn.probs";
    }

    /** Points a histogram can be drawn at: per-token {@code [seq, d]} points, in the model's order. */
    public static List<String> histogramPoints(ModelManifest mf) {
        List<String> out = new ArrayList<>();
        for (ProbePoint p : mf.probePoints()) {
            long[] sh = p.shape();
            if (sh.length == 2 && sh[0] == -1 && sh[1] > 0) {
                out.add(p.name());
            }
        }
        return out;
    }

    /** Runs the text explorer on {@code request.text()}; refuses an image model. */
    public static TextExplorerResult run(ProbeableModel model, LanguageModelTokenizer tokenizer, TextExplorerRequest request,
                                         ProgressSink progress) {
        ModelManifest mf = model.manifest();
        LanguageModelSpec lm = mf.requireLanguageModel();
        if (request.attentionBlock() >= lm.blocks()) {
            throw new IllegalArgumentException("attention block " + request.attentionBlock() + " does not exist: model '"
                    + mf.name() + "' has blocks 0 … " + (lm.blocks() - 1));
        }
        String attn = attentionPoint(request.attentionBlock());
        ProbePoint attnPoint = mf.probePoints().stream().filter(p -> p.name().equals(attn)).findFirst()
                .orElseThrow(() -> new ModelException("model '" + mf.name() + "' has no probe point '" + attn
                        + "' (attention probabilities); re-export it with tools/lamina_export.py hf"));
        List<String> valid = histogramPoints(mf);
        if (!valid.contains(request.point())) {
            throw new IllegalArgumentException("'" + request.point() + "' is not a per-token [seq, d] probe point of model '"
                    + mf.name() + "'; choose one of " + valid);
        }
        progress.begin(2);
        progress.message("logit lens");
        LogitLens.Result lens = LogitLens.compute(model, tokenizer, request.text(), LanguageModelTokenizer.Truncation.REFUSE);
        progress.advance(1);
        progress.checkCancelled();
        progress.message("attention and activations");
        long[] ids = lens.ids();
        int s = ids.length;
        int heads = (int) attnPoint.shape()[0];
        float[] attention;
        float[] activation;
        int width = (int) mf.probePoint(request.point()).shape()[1];
        List<NextTokenPrediction.Candidate> next;
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            NDArray x = m.create(ids).reshape(1, s);
            try (Trace t = model.run(m, RunRequest.fromInput(x).capture(List.of(attn, request.point())).build())) {
                attention = t.activation(attn).get(0).toFloatArray();
                activation = t.activation(request.point()).get(0).toFloatArray();
                NDArray lastLogits = t.logits().get(0).get(s - 1);
                float[] logits = lastLogits.toFloatArray();
                float[] p = lastLogits.softmax(0).toFloatArray();
                NextTokenPrediction pred = new NextTokenPrediction(request.text(), ids, lens.truncated(), p, logits);
                next = pred.top(Math.min(request.topK(), p.length), tokenizer);
            }
        }
        if (attention.length != heads * s * s || activation.length != width * s) {
            throw new ModelException("model '" + mf.name() + "' returned " + attention.length + " attention values and "
                    + activation.length + " activations for " + s + " tokens; its manifest says [" + heads + ", S, S] and [S, "
                    + width + "]");
        }
        progress.advance(1);
        return new TextExplorerResult(mf.name(), request, lens.tokens(), ids, lens.truncated(), next, lens, heads, attention,
                width, activation);
    }
}
