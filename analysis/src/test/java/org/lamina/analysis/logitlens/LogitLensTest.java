package org.lamina.analysis.logitlens;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.lm.LanguageModelTokenizer;
import org.lamina.analysis.lm.NextTokenPrediction;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * The logit lens on the bundled tiny Llama, against independent computations: the model's own
 * next-token distributions (last row, KL 0) and a separate capture + run_from per block,
 * decoded in double precision here.
 */
class LogitLensTest {

    static final String TEXT = "The capital of France is";
    static ProbeableModel model;
    static LanguageModelTokenizer tokenizer;

    @BeforeAll
    static void open() {
        model = ModelLoader.open(ModelLocator.resolve("sample:tiny-llama"), Device.cpu());
        tokenizer = LanguageModelTokenizer.open(model.manifest());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    @Test
    void lastLayerIsTheModelsOwnNextTokenDistribution() {
        LogitLens.Result r = LogitLens.compute(model, tokenizer, TEXT, LanguageModelTokenizer.Truncation.REFUSE);
        assertThat(r.layers()).containsExactly("embed", "blocks.0", "blocks.1");
        assertThat(r.ids()).containsExactly(1, 4, 5, 6, 7, 8);
        int last = r.layerCount() - 1;
        int checked = 0;
        // Every prefix's own prediction (NextTokenPrediction reads the last real token of each prefix).
        for (int p = 0; p < r.positions(); p++) {
            String prefix = tokenizer.decode(java.util.Arrays.copyOfRange(r.ids(), 1, p + 1));
            NextTokenPrediction own = NextTokenPrediction.run(model, tokenizer, List.of(prefix.isEmpty() ? "" : prefix),
                    LanguageModelTokenizer.Truncation.REFUSE).get(0);
            NextTokenPrediction.Candidate best = own.top(1, tokenizer).get(0);
            assertThat(r.topId()[last][p]).as("position %d", p).isEqualTo((int) best.id());
            assertThat((double) r.topProbability()[last][p]).isCloseTo(best.probability(), offset(1e-5));
            assertThat((double) r.klNats()[last][p]).isCloseTo(0.0, offset(1e-5));
            checked++;
        }
        assertThat(checked).as("prefixes compared").isEqualTo(r.positions());
        // Earlier layers are not the output: some KL is clearly positive there.
        float maxKl = 0;
        for (int l = 0; l < last; l++) {
            for (float v : r.klNats()[l]) {
                maxKl = Math.max(maxKl, v);
            }
        }
        assertThat(maxKl).isGreaterThan(0.01f);
    }

    @Test
    void eachLayerEqualsAnIndependentCaptureAndRunFrom() {
        // Budget of one byte: one layer per run_from call, so the chunking is exercised too.
        LogitLens.Result r = LogitLens.compute(model, tokenizer, TEXT, LanguageModelTokenizer.Truncation.REFUSE, 1);
        LogitLens.Result batched = LogitLens.compute(model, tokenizer, TEXT, LanguageModelTokenizer.Truncation.REFUSE);
        long[] ids = tokenizer.encode(TEXT);
        int s = ids.length;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.create(ids).reshape(1, s);
            float[] finalLogits;
            try (Trace t = model.run(m, RunRequest.fromInput(x).build())) {
                finalLogits = t.logits().toFloatArray();
            }
            int v = finalLogits.length / s;
            for (int l = 0; l < r.layerCount(); l++) {
                String layer = r.layers().get(l);
                NDArray h;
                try (Trace t = model.run(m, RunRequest.fromInput(x).capture(layer).build())) {
                    h = t.activation(layer).duplicate();
                    h.attach(m);
                }
                float[] lens;
                try (Trace t = model.run(m, RunRequest.startingAt("blocks.1", h).build())) {
                    lens = t.logits().toFloatArray();
                }
                for (int p = 0; p < s; p++) {
                    double[] q = softmax(lens, p * v, v);
                    double[] pf = softmax(finalLogits, p * v, v);
                    int arg = 0;
                    double kl = 0;
                    for (int i = 0; i < v; i++) {
                        if (q[i] > q[arg]) {
                            arg = i;
                        }
                        kl += pf[i] * (Math.log(pf[i]) - Math.log(q[i]));
                    }
                    assertThat(r.topId()[l][p]).as("%s position %d", layer, p).isEqualTo(arg);
                    assertThat((double) r.topProbability()[l][p]).isCloseTo(q[arg], offset(1e-5));
                    assertThat((double) r.klNats()[l][p]).isCloseTo(Math.max(0, kl), offset(1e-4));
                    assertThat(batched.topId()[l][p]).isEqualTo(arg);
                    assertThat(batched.klNats()[l][p]).isCloseTo(r.klNats()[l][p], offset(1e-5f));
                }
            }
        }
    }

    @Test
    void figureRendersAndItsDataHasOneRowPerCell() {
        LogitLens.Result r = LogitLens.compute(model, tokenizer, TEXT, LanguageModelTokenizer.Truncation.REFUSE);
        for (LogitLensFigure.ColorBy c : LogitLensFigure.ColorBy.values()) {
            LogitLensFigure f = new LogitLensFigure(r, c, 241);
            BufferedImage img = new FigureExporter().render(f, 150);
            assertThat(img.getWidth()).isGreaterThan(400);
            assertThat(f.data().rows()).hasSize(r.layerCount() * r.positions());
        }
    }

    @Test
    void imageModelIsRefused() {
        try (ProbeableModel image = ModelLoader.open(ModelLocator.resolve("sample:tiny-mlp"), Device.cpu())) {
            assertThatThrownBy(() -> LogitLens.compute(image, tokenizer, TEXT, LanguageModelTokenizer.Truncation.REFUSE))
                    .isInstanceOf(ModelException.class).hasMessageContaining("not a language model");
        }
    }

    private static double[] softmax(float[] a, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, a[from + i]);
        }
        double sum = 0;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(a[from + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
