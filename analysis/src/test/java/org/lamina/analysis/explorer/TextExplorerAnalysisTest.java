package org.lamina.analysis.explorer;

import ai.djl.Device;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.lm.LanguageModelTokenizer;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ProbeableModel;

import java.awt.image.BufferedImage;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * The explorer's text view on the bundled tiny Llama. Golden values: the same TorchScript file
 * run by Python torch 1.13 ({@code m.trace(ids, {})} on the second reference prompt, ids
 * {@code [1, 4, 12, 13, 14, 11, 15]}), so each checks that Java reads the right head, row, token
 * and vocabulary entry out of the runner's tensors.
 */
class TextExplorerAnalysisTest {

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

    private static TextExplorerResult run(int block, String point) {
        return TextExplorerAnalysis.run(model, tokenizer, new TextExplorerRequest("The cat sat on the mat", block, point, 3),
                ProgressSink.none());
    }

    @Test
    void readsAttentionActivationsAndNextTokensAsPythonDoes() {
        TextExplorerResult r = run(1, "blocks.0.mlp.act");
        assertThat(r.ids()).containsExactly(1, 4, 12, 13, 14, 11, 15);
        assertThat(r.heads()).isEqualTo(4);
        float[] want = {0.057306088f, 0.019051975f, 0.081211708f, 0.105007842f, 0.005047587f, 0.028153142f, 0.704221666f};
        for (int k = 0; k < 7; k++) {
            assertThat(r.attention(2, 6, k)).as("block 1 head 2 query 6 key %d", k).isCloseTo(want[k], offset(2e-6f));
        }
        // Causal: a query never attends to a later key, and each row is a distribution.
        for (int h = 0; h < 4; h++) {
            for (int q = 0; q < 7; q++) {
                double sum = 0;
                for (int k = 0; k < 7; k++) {
                    sum += r.attention(h, q, k);
                    if (k > q) {
                        assertThat(r.attention(h, q, k)).isZero();
                    }
                }
                assertThat(sum).isCloseTo(1, offset(1e-5));
            }
        }
        float[] act = r.activationAt(3);
        assertThat(act).hasSize(64);
        float[] wantAct = {-0.55960476f, -0.060835406f, 0.469894886f, -0.004690177f};
        for (int j = 0; j < 4; j++) {
            assertThat(act[j]).isCloseTo(wantAct[j], offset(2e-6f));
        }
        assertThat(r.next()).hasSize(3);
        assertThat(r.next().get(0).id()).isEqualTo(19);
        assertThat(r.next().get(0).probability()).isCloseTo(0.081083683, offset(1e-6));
        assertThat(r.next().get(1).id()).isEqualTo(2);
        assertThat(r.next().get(2).probability()).isCloseTo(0.069097892, offset(1e-6));
        // The lens's last row is the model's output: its top token at the last position is the top-1 above.
        assertThat(r.lens().topId()[r.lens().layerCount() - 1][6]).isEqualTo(19);

        float[] block0 = run(0, "blocks.0.mlp.act").attention();
        assertThat(block0[(3 * 7 + 2) * 7]).isCloseTo(0.51626652f, offset(2e-6f));
    }

    @Test
    void everyFigureDrawsAndExportsItsNumbers() throws Exception {
        TextExplorerResult r = run(1, "blocks.1");
        for (Figure f : TextExplorerFigures.all(r, 520)) {
            BufferedImage img = FigureExporter.renderPixels(f, 600, (int) Math.round(600 * f.aspectRatio()));
            assertThat(img.getWidth()).as(f.name()).isGreaterThan(100);
            StringWriter csv = new StringWriter();
            f.data().writeCsv(csv);
            assertThat(csv.toString().lines().count()).as(f.name()).isGreaterThan(3);
        }
        assertThat(TextExplorerFigures.attention(r).data().rows()).hasSize(4 * 7 * 7);
        assertThat(TextExplorerFigures.histogram(r, 2).name()).isEqualTo("histogram-blocks.1-token2");
        assertThat(TextExplorerFigures.histogram(r, 2).data().rows().stream().mapToDouble(row -> ((Number) row.get(5))
                .doubleValue()).sum()).isEqualTo(32);
    }

    @Test
    void refusesBadChoicesBeforeRunning() {
        assertThatThrownBy(() -> run(2, "blocks.1")).hasMessageContaining("attention block 2 does not exist")
                .hasMessageContaining("0 … 1");
        assertThatThrownBy(() -> run(0, "blocks.0.attn.probs")).hasMessageContaining("not a per-token [seq, d] probe point")
                .hasMessageContaining("blocks.0.mlp.act");
        assertThatThrownBy(() -> new TextExplorerRequest("  ", 0, "blocks.1", 3)).hasMessageContaining("prompt is empty");
        assertThatThrownBy(() -> new TextExplorerRequest("a", 0, "blocks.1", 0)).hasMessageContaining("top-k");
        try (ProbeableModel cnn = ModelLoader.open(ModelLocator.resolve("sample:tiny-cnn"), Device.cpu())) {
            assertThatThrownBy(() -> TextExplorerAnalysis.run(cnn, tokenizer, new TextExplorerRequest("a", 0, "x", 3),
                    ProgressSink.none())).isInstanceOf(ModelException.class).hasMessageContaining("not a language model");
        }
    }
}
