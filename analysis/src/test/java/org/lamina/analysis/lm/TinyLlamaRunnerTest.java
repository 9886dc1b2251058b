package org.lamina.analysis.lm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lamina.analysis.model.LanguageModelSpec;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.Objective;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.TokenReadout;
import org.lamina.analysis.model.Trace;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bundled tiny Llama (sample-models/tiny-llama, written by tools/lamina_export.py with PyTorch)
 * through the runner: its reference outputs reproduced, padding that never leaks, run_from,
 * per-token interventions and gradients against finite differences.
 */
class TinyLlamaRunnerTest {

    static ProbeableModel model;
    static LanguageModelTokenizer tokenizer;
    static NDManager manager;
    static Map<String, NDArray> reference = new HashMap<>();
    static Path dir;

    @BeforeAll
    static void open() throws Exception {
        dir = ModelLocator.resolve("sample:tiny-llama");
        model = ModelLoader.open(dir, Device.cpu());
        tokenizer = LanguageModelTokenizer.open(model.manifest());
        manager = NDManager.newBaseManager(Device.cpu());
        try (InputStream in = Files.newInputStream(dir.resolve("reference-outputs.npz"))) {
            for (NDArray a : NDList.decode(manager, in)) {
                reference.put(a.getName(), a);
            }
        }
    }

    @AfterAll
    static void close() {
        manager.close();
        tokenizer.close();
        model.close();
    }

    static LanguageModelSpec lm() {
        return model.manifest().languageModel();
    }

    static int[] lengths() {
        return Arrays.stream(reference.get("lengths").toLongArray()).mapToInt(l -> (int) l).toArray();
    }

    /** Largest |a - b| over the real positions of each row, relative to the largest |b| there. */
    static double relativeDiffAtRealPositions(NDArray a, NDArray b, int[] lengths) {
        double worst = 0;
        double scale = 1e-12;
        for (int i = 0; i < lengths.length; i++) {
            NDArray x = a.get(new NDIndex("{}, :{}", i, lengths[i]));
            NDArray y = b.get(new NDIndex("{}, :{}", i, lengths[i]));
            worst = Math.max(worst, x.sub(y).abs().max().getFloat());
            scale = Math.max(scale, y.abs().max().getFloat());
        }
        return worst / scale;
    }

    @Test
    void tokenizerGivesTheReferenceIds() {
        List<String> prompts = lm().reference().orElseThrow().prompts();
        long[] ids = reference.get("ids").toLongArray();
        int seq = (int) reference.get("ids").getShape().get(1);
        int[] lengths = lengths();
        for (int i = 0; i < prompts.size(); i++) {
            long[] expected = Arrays.copyOfRange(ids, i * seq, i * seq + lengths[i]);
            assertThat(tokenizer.encode(prompts.get(i))).as(prompts.get(i)).containsExactly(expected);
            // Padding is the manifest's pad id.
            for (int j = lengths[i]; j < seq; j++) {
                assertThat(ids[i * seq + j]).isEqualTo(lm().tokenizer().padId());
            }
        }
        assertThat(tokenizer.batch(prompts, LanguageModelTokenizer.Truncation.REFUSE).ids(manager).toLongArray())
                .containsExactly(ids);
    }

    @Test
    void reproducesTheReferenceLogitsAndLastHidden() {
        String last = lm().blockPoint(lm().blocks() - 1);
        try (Trace t = model.run(manager, RunRequest.fromInput(reference.get("ids")).capture(last).build())) {
            assertThat(t.logits().getShape()).isEqualTo(reference.get("logits").getShape());
            assertThat(relativeDiffAtRealPositions(t.logits(), reference.get("logits"), lengths())).isLessThan(1e-4);
            assertThat(relativeDiffAtRealPositions(t.activation(last), reference.get("last_hidden"), lengths())).isLessThan(1e-4);
        }
    }

    @Test
    void runFromTheLastBlockGivesTheLogits() {
        String last = lm().blockPoint(lm().blocks() - 1);
        NDArray ids = reference.get("ids");
        try (Trace full = model.run(manager, RunRequest.fromInput(ids).capture(last).build());
             Trace lens = model.run(manager, RunRequest.startingAt(last, reference.get("last_hidden")).build())) {
            // The logit lens of the last block is the model's own output.
            assertThat(relativeDiffAtRealPositions(lens.logits(), full.logits(), lengths())).isLessThan(1e-5);
            assertThat(relativeDiffAtRealPositions(lens.logits(), reference.get("logits"), lengths())).isLessThan(1e-4);
        }
    }

    @Test
    void extraPaddingChangesNoRealPositionAndReadoutsIgnorePads() {
        TokenBatch batch = tokenizer.batch(List.of("The capital of France is", "Paris"), LanguageModelTokenizer.Truncation.REFUSE);
        int seq = batch.sequenceLength();
        NDArray tight = batch.ids(manager);
        NDArray padded = batch.ids(manager, seq + 5);
        try (Trace a = model.run(manager, RunRequest.fromInput(tight).captureAll().build());
             Trace b = model.run(manager, RunRequest.fromInput(padded).captureAll().build())) {
            int[] lengths = batch.lengths();
            assertThat(relativeDiffAtRealPositions(b.logits(), a.logits(), lengths)).isLessThan(1e-6);
            for (String p : List.of("embed", "blocks.0", "blocks.0.mlp.act", "final_norm")) {
                assertThat(relativeDiffAtRealPositions(b.activation(p), a.activation(p), lengths)).as(p).isLessThan(1e-6);
            }
        }
        for (TokenReadout r : List.of(batch.lastToken(), batch.meanOverTokens())) {
            try (Trace a = model.run(manager, RunRequest.fromInput(tight).capture("blocks.1", "blocks.0.attn.probs").readout(r).build());
                 Trace b = model.run(manager, RunRequest.fromInput(padded).capture("blocks.1").readout(r).build())) {
                assertThat(a.logits().getShape()).isEqualTo(new Shape(2, lm().vocabSize()));
                assertThat(a.activation("blocks.1").getShape()).isEqualTo(new Shape(2, lm().hiddenSize()));
                assertThat(a.activation("blocks.0.attn.probs").getShape()).as("attention read over queries: [B, H, S]")
                        .isEqualTo(new Shape(2, model.manifest().probePoint("blocks.0.attn.probs").shape()[0], seq));
                assertThat(b.logits().sub(a.logits()).abs().max().getFloat()).as(r.mode() + " logits").isLessThan(1e-5f);
                assertThat(b.activation("blocks.1").sub(a.activation("blocks.1")).abs().max().getFloat()).isLessThan(1e-5f);
            }
        }
        // The read-out of the short row equals that row run alone (no padding at all), and the
        // last-token read-out is the full trace at position length-1.
        try (Trace alone = model.run(manager, RunRequest.fromInput(tokenizerIds("Paris")).captureAll().build());
             Trace mean = model.run(manager, RunRequest.fromInput(padded).capture("blocks.1").readout(batch.meanOverTokens()).build());
             Trace last = model.run(manager, RunRequest.fromInput(padded).readout(batch.lastToken()).build())) {
            int n = batch.lengths()[1];
            NDArray expectedMean = alone.activation("blocks.1").get(0).mean(new int[] {0});
            assertThat(mean.activation("blocks.1").get(1).sub(expectedMean).abs().max().getFloat()).isLessThan(1e-5f);
            assertThat(last.logits().get(1).sub(alone.logits().get(0).get(n - 1)).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    static NDArray tokenizerIds(String text) {
        long[] ids = tokenizer.encode(text);
        return manager.create(ids, new Shape(1, ids.length));
    }

    @Test
    void anInterventionAtOneTokenChangesOnlyThatAndLaterPositions() {
        NDArray ids = tokenizerIds("The capital of France is");
        int seq = (int) ids.getShape().get(1);
        int t = 2;
        for (String point : List.of("blocks.0", "blocks.0.mlp.act", "blocks.0.attn")) {
            long[] shape = model.manifest().probePoint(point).shapeFor(seq);
            NDArray scale = manager.ones(new Shape(1).addAll(new Shape(shape)));
            scale.set(new NDIndex(":, {}", t), 0f);
            NDArray delta = manager.zeros(scale.getShape());
            delta.set(new NDIndex(":, {}", t), 0.5f);
            try (Trace base = model.run(manager, RunRequest.fromInput(ids).build());
                 Trace edited = model.run(manager, RunRequest.fromInput(ids).scale(point, scale).perturb(point, delta)
                         .capture(point).build())) {
                NDArray diff = edited.logits().sub(base.logits()).abs().max(new int[] {2}).get(0);
                float[] perPosition = diff.toFloatArray();
                for (int i = 0; i < t; i++) {
                    assertThat(perPosition[i]).as(point + ": position " + i + " before the edit").isEqualTo(0f);
                }
                assertThat(perPosition[t]).as(point + ": the edited position").isGreaterThan(1e-4f);
                assertThat(perPosition[seq - 1]).as(point + ": a later position").isGreaterThan(1e-4f);
                // The captured point carries the edit: exactly 0.5 at the token.
                NDArray at = edited.activation(point).get(new NDIndex("0, {}", t));
                assertThat(at.sub(0.5f).abs().max().getFloat()).isLessThan(1e-7f);
            }
        }
    }

    @Test
    void gradientAtAPointMatchesAFiniteDifference() {
        NDArray ids = tokenizerIds("The capital of France is");
        int seq = (int) ids.getShape().get(1);
        long target = tokenizer.encode("Paris")[lm().tokenizer().addBos() ? 1 : 0];
        TokenReadout last = TokenReadout.last(seq);
        Objective objective = Objective.classProbability((int) target);
        float[] g;
        try (Trace t = model.run(manager, RunRequest.fromInput(ids).readout(last).objective(objective).gradientAt("blocks.0").build())) {
            assertThat(t.gradient("blocks.0").getShape()).isEqualTo(new Shape(1, seq, lm().hiddenSize()));
            g = t.gradient("blocks.0").toFloatArray();
        }
        int d = lm().hiddenSize();
        // Later positions cannot influence the last token's prediction except the last itself;
        // check elements at the first and the last position.
        for (int[] at : new int[][] {{1, 3}, {seq - 1, 5}, {seq - 1, 17}}) {
            double h = 1e-2;
            double plus = objective(ids, at, h, objective, last);
            double minus = objective(ids, at, -h, objective, last);
            double numeric = (plus - minus) / (2 * h);
            double analytic = g[at[0] * d + at[1]];
            assertThat(analytic).as("d p / d blocks.0[%d, %d]", at[0], at[1])
                    .isCloseTo(numeric, org.assertj.core.data.Offset.offset(1e-3 * Math.max(1e-3, Math.abs(numeric)) + 2e-5));
        }
    }

    private static double objective(NDArray ids, int[] at, double h, Objective o, TokenReadout r) {
        NDArray delta = manager.zeros(new Shape(1, ids.getShape().get(1), lm().hiddenSize()));
        delta.set(new NDIndex("0, {}, {}", at[0], at[1]), (float) h);
        try (Trace t = model.run(manager, RunRequest.fromInput(ids).readout(r).perturb("blocks.0", delta).objective(o).build())) {
            return t.objective().toType(DataType.FLOAT64, false).getDouble(0);
        }
    }

    @Test
    void refusesBadTokenInputs() {
        assertThatThrownBy(() -> model.run(manager, RunRequest.fromInput(manager.create(new long[] {1, lm().vocabSize()},
                new Shape(1, 2))).build())).isInstanceOf(ModelException.class).hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> model.run(manager, RunRequest.fromInput(manager.zeros(new Shape(1, 3))).build()))
                .isInstanceOf(ModelException.class).hasMessageContaining("token ids (int64)");
        long[] tooLong = new long[lm().maxLength() + 1];
        assertThatThrownBy(() -> model.run(manager, RunRequest.fromInput(manager.create(tooLong, new Shape(1, tooLong.length))).build()))
                .isInstanceOf(ModelException.class).hasMessageContaining("maxLength");
        NDArray ids = tokenizerIds("Paris");
        assertThatThrownBy(() -> model.run(manager, RunRequest.fromInput(ids).readout(TokenReadout.last(5)).build()))
                .isInstanceOf(ModelException.class).hasMessageContaining("row 0 has length 5");
        assertThatThrownBy(() -> model.run(manager, RunRequest.fromInput(ids).inputGradient()
                .objective(Objective.classLogit(0)).build())).isInstanceOf(ModelException.class).hasMessageContaining("embed");
    }

    @Test
    void aTooLongTextIsRefusedOrCutAsAsked() {
        String text = String.join(" ", java.util.Collections.nCopies(lm().maxLength() + 3, "Paris"));
        assertThatThrownBy(() -> tokenizer.encode(text)).isInstanceOf(ModelException.class)
                .hasMessageContaining("takes at most " + lm().maxLength());
        LanguageModelTokenizer.Encoded e = tokenizer.encode(text, LanguageModelTokenizer.Truncation.KEEP_START);
        assertThat(e.truncated()).isTrue();
        assertThat(e.ids()).hasSize(lm().maxLength());
        assertThat(e.fullLength()).isEqualTo(lm().maxLength() + 3 + (lm().tokenizer().addBos() ? 1 : 0));
    }

    @Test
    void decodesIdsForDisplay() {
        long[] ids = tokenizer.encode("The capital of France is");
        List<String> tokens = tokenizer.tokens(ids);
        assertThat(tokens).hasSize(ids.length);
        assertThat(String.join(" ", tokens)).contains("France");
        assertThat(tokenizer.decode(ids)).contains("capital");
    }
}
