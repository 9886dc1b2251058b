package org.lamina.analysis.lm;

import ai.djl.Device;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ProbeableModel;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * Next-token scoring on the bundled tiny Llama. Golden values: Python torch 1.13 on the same
 * model.pt with the exporter's own ids of the three reference prompts (reference-outputs.npz):
 * 17 predictions, none right (random weights), mean NLL 4.407048 nats.
 */
class NextTokenEvaluationTest {

    private static final List<String> PROMPTS = List.of("The capital of France is", "The cat sat on the mat",
            "One two three four five six");

    @Test
    void matchesPythonAndDoesNotDependOnTheBatching() {
        try (ProbeableModel m = ModelLoader.open(ModelLocator.resolve("sample:tiny-llama"), Device.cpu());
             LanguageModelTokenizer t = LanguageModelTokenizer.open(m.manifest())) {
            NextTokenEvaluation all = NextTokenEvaluation.run(m, t, PROMPTS, LanguageModelTokenizer.Truncation.REFUSE,
                    NextTokenEvaluation.DEFAULT_BUDGET_BYTES, ProgressSink.none());
            assertThat(all.predictions()).isEqualTo(17);
            assertThat(all.correct()).isZero();
            assertThat(all.meanNll()).isCloseTo(4.407048, offset(1e-5));
            assertThat(all.perplexity()).isCloseTo(Math.exp(4.407048), offset(1e-3));
            // A budget of one byte: one text a batch, no padding at all; same numbers.
            NextTokenEvaluation one = NextTokenEvaluation.run(m, t, PROMPTS, LanguageModelTokenizer.Truncation.REFUSE, 1,
                    ProgressSink.none());
            assertThat(one.predictions()).isEqualTo(17);
            assertThat(one.meanNll()).isCloseTo(all.meanNll(), offset(1e-6));
            assertThatThrownBy(() -> NextTokenEvaluation.run(m, t, List.of(""), LanguageModelTokenizer.Truncation.REFUSE, 1,
                    ProgressSink.none())).hasMessageContaining("nothing to predict");
        }
    }
}
