package org.lamina.analysis.conceptdepth;

import ai.djl.Device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ProbeableModel;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Concept depth on a decoder language model (issue #19), on the bundled tiny-llama: features at
 * the last real token and the mean over real tokens against golden values computed by PyTorch
 * on each sentence alone (src/test/resources/lm-concepts-fixture/make_golden.py, no Lamina code),
 * so padding in a batch with longer texts cannot leak; text concept sets; refusals; int8
 * weight rounding; an end-to-end probe.
 */
class TextConceptDepthTest {

    static ProbeableModel model;
    static JsonNode golden;
    static Path fixture;

    @TempDir
    Path temp;

    @BeforeAll
    static void open() throws IOException, URISyntaxException {
        model = ModelLoader.open("sample:tiny-llama", org.lamina.analysis.model.ModelRuntime.DeviceChoice.CPU);
        fixture = Path.of(TextConceptDepthTest.class.getResource("/lm-concepts-fixture/lm-concepts.json").toURI());
        golden = new ObjectMapper().readTree(fixture.resolveSibling("golden-tiny-llama.json").toFile());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static List<String> sentences() {
        List<String> s = new ArrayList<>();
        golden.get("sentences").forEach(n -> s.add(n.asText()));
        return s;
    }

    @Test
    void lastAndMeanTokenFeaturesMatchPyTorchOnEachSentenceAloneWhetherBatchedWithLongerTextsOrNot() {
        List<String> texts = new ArrayList<>(sentences());
        // a much longer text in the same batch: the three golden sentences are padded to its length
        texts.add("the cat sat on the mat , and it was big , and the dog ran in the park , and it was small .");
        TextConceptData data = new TextConceptData("golden", texts);
        List<String> points = List.of("embed", "blocks.0", "blocks.1");
        for (TokenPooling pooling : new TokenPooling[] {TokenPooling.LAST, TokenPooling.MEAN}) {
            FeatureExtractor.Options o = new FeatureExtractor.Options(pooling, 0, Precision.FP32, 42);
            LayerFeatures batched = TextFeatureExtractor.extract(model, data, new int[] {0, 1, 2, 3}, points, o,
                    ProgressSink.none());
            for (int i = 0; i < 3; i++) {
                LayerFeatures alone = TextFeatureExtractor.extract(model, data, new int[] {i}, points, o, ProgressSink.none());
                for (int p = 0; p < points.size(); p++) {
                    JsonNode want = golden.get(pooling == TokenPooling.LAST ? "last" : "mean").get(points.get(p)).get(i);
                    float[] got = batched.gather(p, new int[] {i});
                    float[] gotAlone = alone.gather(p, new int[] {0});
                    assertThat(got).hasSize(want.size());
                    for (int k = 0; k < got.length; k++) {
                        assertThat((double) got[k]).as("%s %s sentence %d [%d] batched", pooling, points.get(p), i, k)
                                .isCloseTo(want.get(k).asDouble(), org.assertj.core.data.Offset.offset(2e-5));
                        assertThat((double) gotAlone[k]).as("%s %s sentence %d [%d] alone", pooling, points.get(p), i, k)
                                .isCloseTo(want.get(k).asDouble(), org.assertj.core.data.Offset.offset(2e-5));
                    }
                }
            }
        }
    }

    @Test
    void tokenIdsAreThoseOfTheIndependentTokenisation() {
        try (org.lamina.analysis.lm.LanguageModelTokenizer t =
                     org.lamina.analysis.lm.LanguageModelTokenizer.open(model.manifest())) {
            List<String> s = sentences();
            for (int i = 0; i < s.size(); i++) {
                long[] want = new long[golden.get("ids").get(i).size()];
                for (int k = 0; k < want.length; k++) {
                    want[k] = golden.get("ids").get(i).get(k).asLong();
                }
                assertThat(t.encode(s.get(i))).containsExactly(want);
            }
            List<long[]> all = t.encodeAll(s);
            for (int i = 0; i < s.size(); i++) {
                assertThat(all.get(i)).containsExactly(t.encode(s.get(i)));
            }
        }
    }

    @Test
    void embeddingNoiseIsFixedPerTextAndOnlyMovesTheFeatures() {
        List<String> texts = sentences();
        TextConceptData data = new TextConceptData("golden", texts);
        List<String> points = List.of("embed", "blocks.1");
        FeatureExtractor.Options noisy = new FeatureExtractor.Options(TokenPooling.LAST, 0.5, Precision.FP32, 7);
        LayerFeatures all = TextFeatureExtractor.extract(model, data, new int[] {0, 1, 2}, points, noisy, ProgressSink.none());
        LayerFeatures one = TextFeatureExtractor.extract(model, data, new int[] {1}, points, noisy, ProgressSink.none());
        assertThat(one.gather(0, new int[] {0})).containsExactly(all.gather(0, new int[] {1}));
        // embed + noise: the difference to the clean embedding has the σ asked for (32 values)
        float[] clean = TextFeatureExtractor.extract(model, data, new int[] {1}, points,
                new FeatureExtractor.Options(TokenPooling.LAST, 0, Precision.FP32, 7), ProgressSink.none()).gather(0, new int[] {0});
        double ss = 0;
        float[] n = one.gather(0, new int[] {0});
        for (int k = 0; k < n.length; k++) {
            ss += (n[k] - clean[k]) * (n[k] - clean[k]);
        }
        assertThat(Math.sqrt(ss / n.length)).isBetween(0.3, 0.7);
    }

    @Test
    void int8RoundsEachOutputRowWithinHalfItsScale() {
        // by hand: scale 127/127 = 1, so values round to integers (half to even: 0.5 → 0, -0.4 → -0)
        float[] r = Precision.roundInt8Rows(new long[] {2, 4}, new float[] {127f, 0.6f, -0.4f, 0.5f, 0f, 0f, 0f, 0f});
        assertThat(r).containsExactly(127f, 1f, -0f, 0f, 0f, 0f, 0f, 0f);
        float[] bias = {0.123456f, -7.5f};
        assertThat(Precision.roundInt8Rows(new long[] {2}, bias)).isSameAs(bias);
        Random rnd = new Random(3);
        int rows = 16;
        int cols = 40;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * (1 + i / cols));
        }
        float[] q = Precision.roundInt8Rows(new long[] {rows, cols}, w);
        for (int row = 0; row < rows; row++) {
            double max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(w[row * cols + c]));
            }
            double scale = max / 127;
            java.util.Set<Long> levels = new java.util.HashSet<>();
            for (int c = 0; c < cols; c++) {
                double err = Math.abs(q[row * cols + c] - w[row * cols + c]);
                assertThat(err).as("row %d col %d", row, c).isLessThanOrEqualTo(scale / 2 * (1 + 1e-6) + 1e-7);
                double level = q[row * cols + c] / scale;
                assertThat(Math.abs(level - Math.rint(level))).isLessThan(1e-3);
                levels.add(Math.round(level));
            }
            assertThat(levels).allMatch(l -> l >= -127 && l <= 127);
        }
        assertThat(Precision.parse("int8")).isEqualTo(Precision.INT8);
        assertThatThrownBy(() -> Precision.parse("int4")).hasMessageContaining("fp32, fp16, bf16 or int8");
    }

    @Test
    void textRuleFileGivesCsvConceptsAndARandomControlOnTheSameTexts() {
        ConceptSet set = ConceptSets.open(fixture.toString(), null, model.manifest(), null);
        assertThat(set.isText()).isTrue();
        assertThat(set.concepts()).extracting(Concept::name).containsExactly("simple", "fact", "control");
        Concept fact = set.concept("fact");
        Concept control = set.concept("control");
        assertThat(control.items()).containsExactly(fact.items());
        assertThat(control.positives()).isEqualTo(fact.items().length / 2);
        assertThat(control.labels()).isNotEqualTo(fact.labels());
        // the texts with commas came through whole
        TextConceptData texts = (TextConceptData) set.dataset();
        assertThat(texts.texts()).contains("One, two, three, The capital of France is Paris .");
        // the same labels again (fixed by the seed)
        assertThat(ConceptSets.open(fixture.toString(), null, model.manifest(), null).concept("control").labels())
                .containsExactly(control.labels());
    }

    @Test
    void mismatchedKindsAndTokenChoicesAreRefusedNamingBoth() throws IOException {
        assertThatThrownBy(() -> ConceptSets.open("sample:fashion-concepts", null, model.manifest(), null))
                .isInstanceOf(ConceptSetException.class)
                .hasMessageContaining("is an image concept set").hasMessageContaining("language model (kind causal-lm)")
                .hasMessageContaining("sample:lm-concepts");
        try (ProbeableModel cnn = ModelLoader.open("sample:tiny-cnn", org.lamina.analysis.model.ModelRuntime.DeviceChoice.CPU)) {
            assertThatThrownBy(() -> ConceptSets.open(fixture.toString(), null, cnn.manifest(), null))
                    .isInstanceOf(ConceptSetException.class).hasMessageContaining("is a text concept set")
                    .hasMessageContaining("image model 'tiny-cnn' (kind image)");
        }
        ConceptSet set = ConceptSets.open(fixture.toString(), null, model.manifest(), null);
        assertThatThrownBy(() -> ConceptDepthAnalysis.run(model, set,
                ProbeParameters.defaults().withPooling(TokenPooling.CLS), ProgressSink.none()))
                .hasMessageContaining("--token cls").hasMessageContaining("no class token");
        assertThatThrownBy(() -> FeatureExtractor.resolvePoints(model.manifest(), "blocks.0.attn.probs"))
                .hasMessageContaining("blocks.0.attn.probs").hasMessageContaining("no fixed-length feature");
        assertThat(FeatureExtractor.resolvePoints(model.manifest(), "layers")).containsExactly("embed", "blocks.0", "blocks.1");
        assertThatThrownBy(() -> ConceptSets.open("sample:nope", null, model.manifest(), null))
                .hasMessageContaining("sample:lm-concepts");
    }

    @Test
    void aPlainTextCsvWithQuotedCommasIsOneConcept() throws IOException {
        StringBuilder csv = new StringBuilder("text,label\n");
        List<String> nums = List.of("One", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");
        for (int i = 0; i < 20; i++) {
            csv.append("\"the cat sat, and it was ").append(i % 2 == 0 ? "big" : "small").append(" ").append(
                    nums.get(i / 2)).append(" .\",").append(i % 2).append('\n');
        }
        Path file = Files.writeString(temp.resolve("size.csv"), csv.toString());
        ConceptSet set = ConceptSets.open(file.toString(), null, model.manifest(), null);
        assertThat(set.concepts()).hasSize(1);
        assertThat(set.concepts().get(0).name()).isEqualTo("size");
        assertThat(((TextConceptData) set.dataset()).texts().get(0)).isEqualTo("the cat sat, and it was big One .");
    }

    @Test
    void endToEndProbeOnTinyLlama() {
        ConceptSet set = ConceptSets.open(fixture.toString(), null, model.manifest(), null);
        ProbeParameters p = ProbeParameters.defaults().withPooling(TokenPooling.LAST);
        ProbeResult r = ConceptDepthAnalysis.run(model, set, p, ProgressSink.none());
        assertThat(r.points()).containsExactly("embed", "blocks.0", "blocks.1");
        assertThat(r.concepts()).extracting(ConceptProbeResult::name).containsExactly("simple", "fact", "control");
        // "?" vs "." is the last token itself: the embedding at the last token separates it exactly
        assertThat(r.concepts().get(0).acc()[0]).isEqualTo(1.0);
        assertThat(r.provenance().get("textFeatures").toString()).contains("last real token");
        // int8 weights: a different model, features close to fp32 (tiny-llama's rows have ≤ 64 values)
        ProbeResult q = ConceptDepthAnalysis.run(model, set, p.withPrecision(Precision.INT8), ProgressSink.none());
        float[] a = r.features().values().get(2);
        float[] b = q.features().values().get(2);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            norm = Math.max(norm, Math.abs(a[i]));
        }
        assertThat(diff).isGreaterThan(0).isLessThan(0.1 * norm);
        LogitLensResult lens = LogitLens.run(model, set.dataset(), new int[] {0, 1, 2, 3, 4}, p.extraction(),
                ProgressSink.none());
        assertThat(lens.points()).containsExactly("embed", "blocks.0", "blocks.1");
        assertThat(lens.kl()[2]).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(lens.kl()[0]).isGreaterThan(0);
    }

    /** A third column of entities (2 rows each) is named as such, not failed on as 40 tiny concepts. */
    @Test
    void anEntityColumnIsRecognisedAndRefusedWithTheWayOut() throws IOException {
        StringBuilder csv = new StringBuilder("text,label,group\n");
        for (int e = 0; e < 40; e++) {
            csv.append("the cat sat ").append(e).append(",1,e").append(e).append('\n');
            csv.append("the mat sat ").append(e).append(",0,e").append(e).append('\n');
        }
        Path file = temp.resolve("entities.csv");
        Files.writeString(file, csv);
        assertThatThrownBy(() -> ConceptSets.open(file.toString(), null, model.manifest(), null))
                .hasMessageContaining("looks like an entity or id column").hasMessageContaining("40 distinct values")
                .hasMessageContaining("rule .json");
        // Without the third column the same rows are one concept named after the file.
        Files.writeString(file, csv.toString().replaceAll(",e\\d+\n", "\n").replace("text,label,group", "text,label"));
        assertThat(ConceptSets.open(file.toString(), null, model.manifest(), null).concepts()).hasSize(1);
    }
}
