package org.lamina.app.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code evaluate} on a 1000-class model (issue #21, §5): a summary and the best/worst classes on
 * the terminal, the full tables in files, never "NaN". Expectations come from the fixture's
 * construction ({@link ThousandClassFixture}: the predicted class of an image is its grey level),
 * not from Lamina's evaluation code.
 */
class EvaluateManyClassesTest {

    @TempDir
    static Path temp;
    static Path model;
    static Path images;
    static List<ThousandClassFixture.Item> items;

    /** Expected per-class counts. */
    record Expected(int index, int samples, int correct, int top5) {
        double accuracy() {
            return (double) correct / samples;
        }
    }

    @BeforeAll
    static void writeFixture() throws IOException {
        model = ThousandClassFixture.writeModel(temp.resolve("thousand"));
        images = temp.resolve("images");
        items = ThousandClassFixture.writeImages(images, 21);
    }

    static List<Expected> expected() {
        int[] samples = new int[ThousandClassFixture.CLASSES];
        int[] correct = new int[ThousandClassFixture.CLASSES];
        int[] top5 = new int[ThousandClassFixture.CLASSES];
        for (ThousandClassFixture.Item it : items) {
            samples[it.truth()]++;
            correct[it.truth()] += it.grey() == it.truth() ? 1 : 0;
            top5[it.truth()] += ThousandClassFixture.inTop5(it.grey(), it.truth()) ? 1 : 0;
        }
        List<Expected> out = new ArrayList<>();
        for (int c = 0; c < samples.length; c++) {
            out.add(new Expected(c, samples[c], correct[c], top5[c]));
        }
        return out;
    }

    /** {@code inspect} abbreviates a 1000-name label list (all of it stays in {@code --json}). */
    @Test
    void inspectAbbreviatesAThousandLabels() {
        CliRun.Result r = CliRun.run("inspect", model.toString(), "--device", "cpu");
        assertThat(r.code()).as(r.err()).isZero();
        String labelsLine = r.out().lines().filter(l -> l.strip().startsWith("labels")).findFirst().orElseThrow();
        assertThat(labelsLine).contains(ThousandClassFixture.label(0), ThousandClassFixture.label(999), "(1000 labels)")
                .doesNotContain(ThousandClassFixture.label(500));
        CliRun.Result json = CliRun.run("inspect", model.toString(), "--device", "cpu", "--json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out()).contains(ThousandClassFixture.label(500));
    }

    @Test
    void printsASummaryAndTheBestAndWorstClassesAndWritesTheFullTables() throws IOException {
        Path out = temp.resolve("out");
        CliRun.Result r = CliRun.run("evaluate", model.toString(), "--device", "cpu", "--data", images.toString(),
                "--show", "5", "--dpi", "72", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String text = r.out();
        assertThat(text).doesNotContainIgnoringCase("nan");
        // One line per listed class, not a line per class of the model.
        assertThat(text.lines().count()).isLessThan(30);

        List<Expected> exp = expected();
        long n = items.size();
        long correct = exp.stream().mapToLong(Expected::correct).sum();
        long top5 = exp.stream().mapToLong(Expected::top5).sum();
        assertThat(text).contains(String.format(Locale.ROOT, "(%d samples): accuracy %.2f%%", n, 100.0 * correct / n));
        assertThat(text).contains(String.format(Locale.ROOT, "top-5 accuracy: %.2f%%", 100.0 * top5 / n));
        assertThat(text).contains("1000 classes, 40 with samples (960 without");

        List<Expected> withSamples = exp.stream().filter(e -> e.samples() > 0).toList();
        Comparator<Expected> tie = Comparator.comparingInt(Expected::samples).reversed().thenComparingInt(Expected::index);
        List<Integer> best = withSamples.stream()
                .sorted(Comparator.comparingDouble((Expected e) -> -e.accuracy()).thenComparing(tie))
                .limit(5).map(Expected::index).toList();
        List<Integer> worst = withSamples.stream()
                .sorted(Comparator.comparingDouble(Expected::accuracy).thenComparing(tie))
                .limit(5).map(Expected::index).toList();
        assertThat(listed(text, "best")).containsExactlyElementsOf(best);
        assertThat(listed(text, "worst")).containsExactlyElementsOf(worst);

        List<String> perClass = Files.readAllLines(out.resolve("per-class.csv"));
        assertThat(perClass).hasSize(1 + ThousandClassFixture.CLASSES);
        assertThat(perClass.get(0)).isEqualTo("class,label,samples,correct,accuracy,top5_correct,top5_accuracy");
        for (Expected e : exp) {
            String label = ThousandClassFixture.label(e.index());
            String quoted = label.contains(",") ? '"' + label + '"' : label;
            String acc = e.samples() == 0 ? "" : String.valueOf(e.accuracy());
            String acc5 = e.samples() == 0 ? "" : String.valueOf((double) e.top5() / e.samples());
            assertThat(perClass.get(1 + e.index())).isEqualTo(String.join(",", "" + e.index(), quoted, "" + e.samples(),
                    "" + e.correct(), acc, "" + e.top5(), acc5));
        }
        List<String> confusion = Files.readAllLines(out.resolve("confusion.csv"));
        assertThat(confusion).hasSize(1 + ThousandClassFixture.CLASSES);
        // true_class, true_label, then 1000 predicted columns (the comma label is quoted: one field).
        assertThat(confusion.get(1 + 7)).startsWith("7,\"crane, bird\",");
        assertThat(confusion.get(1 + 300).split(",")).hasSize(2 + ThousandClassFixture.CLASSES);
        for (String f : List.of("confusion.png", "confusion.svg", "confusion.pdf", "evaluation.json", "lamina-run-evaluate.json")) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        assertThat(Files.readString(out.resolve("evaluation.json"))).doesNotContain("NaN");
    }

    @Test
    void jsonHasNoNaNAndTop5() {
        CliRun.Result r = CliRun.run("evaluate", model.toString(), "--device", "cpu", "--data", images.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("NaN").contains("\"top5Accuracy\"");
    }

    @Test
    void withoutOutNothingIsWrittenAndTheFilesAreOffered() {
        CliRun.Result r = CliRun.run("evaluate", model.toString(), "--device", "cpu", "--data", images.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("--out DIR").contains("best 10 classes").contains("worst 10 classes")
                .doesNotContainIgnoringCase("nan");
    }

    @Test
    void badShowIsRefusedBeforeAnythingRuns() {
        for (String bad : List.of("0", "-3", "1001")) {
            CliRun.Result r = CliRun.run("evaluate", model.toString(), "--device", "cpu", "--data", images.toString(),
                    "--show", bad);
            assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
            assertThat(r.err()).contains("--show must be 1 … 1000").contains(bad);
        }
    }

    @Test
    void aDataSetOfOtherClassesIsRefusedWithoutListingAThousandLabels() {
        CliRun.Result r = CliRun.run("evaluate", model.toString(), "--device", "cpu", "--data", "sample:fashion-test");
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("sample:fashion-test").contains("class-000, class-001").contains("(1000 labels)")
                .doesNotContain("class-500");
        assertThat(r.err().length()).isLessThan(800);
    }

    /** The class indices of the "best …" or "worst …" list, in printed order. */
    private static List<Integer> listed(String text, String which) {
        List<Integer> out = new ArrayList<>();
        boolean in = false;
        for (String line : text.lines().toList()) {
            if (line.startsWith("  " + which + " ")) {
                in = true;
                continue;
            }
            if (in && line.startsWith("    ") && !line.trim().startsWith("class")) {
                out.add(Integer.parseInt(line.trim().split("\\s+")[0]));
            } else if (in && !line.startsWith("    ")) {
                break;
            }
        }
        return out;
    }
}
