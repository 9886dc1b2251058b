package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.evaluate.Evaluation;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data sets mean what they say: an image folder's class folders are the model's classes by name
 * (or by index, or by an explicit map), never by sorted position; a model's default data set is
 * its own; a bundled set with other classes than the model's is refused. Every expected accuracy is
 * computed here from the same images read from the bundled IDX file, not hard-coded.
 */
class DataSetMeaningCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The first images of the bundled Fashion-MNIST test subset. */
    private static final int IMAGES = 60;

    @TempDir
    static Path temp;

    private static Dataset fashion;
    private static List<String> labels;

    @BeforeAll
    static void openData() {
        fashion = SampleData.open("sample:fashion-test", new long[] {1, 28, 28});
        labels = fashion.classNames();
    }

    /** Writes the first {@link #IMAGES} images whose class passes {@code keep} to {@code root/<folder of class>/i.png}. */
    private static Path tree(String name, IntFunction<String> folderOfClass, IntPredicate keep) throws IOException {
        Path root = temp.resolve(name);
        for (int i = 0; i < IMAGES; i++) {
            int c = fashion.label(i);
            if (!keep.test(c)) {
                continue;
            }
            Path dir = Files.createDirectories(root.resolve(folderOfClass.apply(c)));
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            float[] s = fashion.sample(i);
            for (int p = 0; p < s.length; p++) {
                img.getRaster().setSample(p % 28, p / 28, 0, Math.round(s[p] * 255f));
            }
            ImageIO.write(img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
        }
        return root;
    }

    /** fashion-cnn's accuracy on the same images, from the IDX file (the reference). */
    private static double idxAccuracy(IntPredicate keep) {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            if (keep.test(fashion.label(i))) {
                items.add(i);
            }
        }
        Dataset subset = new Dataset() {
            @Override
            public String name() {
                return "idx subset";
            }

            @Override
            public int size() {
                return items.size();
            }

            @Override
            public long[] sampleShape() {
                return fashion.sampleShape();
            }

            @Override
            public int label(int i) {
                return fashion.label(items.get(i));
            }

            @Override
            public List<String> classNames() {
                return labels;
            }

            @Override
            public float[] sample(int i) {
                return fashion.sample(items.get(i));
            }
        };
        try (ProbeableModel m = ModelLoader.open("sample:fashion-cnn", ModelRuntime.DeviceChoice.CPU)) {
            return Evaluation.run(m, subset, done -> { }).accuracy();
        }
    }

    private static JsonNode evaluate(String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("evaluate", "sample:fashion-cnn", "--device", "cpu", "--json"));
        args.addAll(List.of(more));
        CliRun.Result r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void foldersNamedAfterTheLabelsAreMatchedByNameNotBySortedPosition() throws IOException {
        // Folder names as a user writes them: '/' cannot be in a folder name, case and spaces vary.
        String[] folders = {"T-shirt_top", "Trouser", "pullover", " Dress ", "COAT", "Sandal", "Shirt", "Sneaker", "Bag",
            "Ankle_boot"};
        Path root = tree("by-name", c -> folders[c], c -> true);
        JsonNode j = evaluate("--data", root.toString());
        assertThat(j.get("samples").asInt()).isEqualTo(IMAGES);
        assertThat(j.get("accuracy").asDouble()).isEqualTo(idxAccuracy(c -> true));
        assertThat(j.get("labelMapping").asText()).isEqualTo("by-name");

        // Some of the classes only: still the model's class indices, not positions 0 and 1.
        Path part = tree("two-classes", c -> folders[c], c -> c == 7 || c == 8);
        JsonNode two = evaluate("--data", part.toString());
        assertThat(two.get("accuracy").asDouble()).isEqualTo(idxAccuracy(c -> c == 7 || c == 8));
    }

    @Test
    void integerFolderNamesAreClassIndices() throws IOException {
        Path root = tree("by-index", Integer::toString, c -> c == 3 || c == 9);
        JsonNode j = evaluate("--data", root.toString());
        assertThat(j.get("accuracy").asDouble()).isEqualTo(idxAccuracy(c -> c == 3 || c == 9));
        assertThat(j.get("labelMapping").asText()).isEqualTo("by-index");
    }

    @Test
    void imageNetLayoutIsMatchedThroughTheSynsetFile() throws IOException {
        // WordNet-id folders in an order unrelated to the classes; the synset file's lines name the labels.
        IntFunction<String> wnid = c -> String.format("n%08d", 9 - c);
        Path root = tree("imagenet-layout", wnid, c -> true);
        StringBuilder synsets = new StringBuilder();
        for (int c = 9; c >= 0; c--) {
            synsets.append(wnid.apply(c)).append(' ').append(labels.get(c)).append(", synonym ").append(c).append('\n');
        }
        Files.writeString(root.resolve("LOC_synset_mapping.txt"), synsets);
        JsonNode j = evaluate("--data", root.toString());
        assertThat(j.get("samples").asInt()).isEqualTo(IMAGES);
        assertThat(j.get("accuracy").asDouble()).isEqualTo(idxAccuracy(c -> true));
        assertThat(j.get("labelMapping").asText()).isEqualTo("synset:LOC_synset_mapping.txt");

        Files.delete(root.resolve("LOC_synset_mapping.txt"));
        CliRun.Result r = CliRun.run("evaluate", "sample:fashion-cnn", "--device", "cpu", "--data", root.toString());
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("WordNet ids").contains("LOC_synset_mapping.txt");
    }

    @Test
    void inspectSaysHowImagesOfAnotherSizeAreBroughtToTheInput() {
        CliRun.Result r = CliRun.run("inspect", "sample:fashion-cnn", "--device", "cpu");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("preprocess   none recorded: images of another size than 28x28 are stretched to 28x28");
    }

    @Test
    void unmatchedFoldersAreRefusedWithTheirNamesAndTheModelsLabels() throws IOException {
        Path root = tree("unmatched", c -> c == 5 || c == 7 || c == 9 ? "Footwear" : labels.get(c).replace('/', '_'),
                c -> true);
        CliRun.Result r = CliRun.run("evaluate", "sample:fashion-cnn", "--device", "cpu", "--data", root.toString());
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("'Footwear'").contains("Ankle boot").contains("--labels");
        assertThat(r.out()).doesNotContain("accuracy");
    }

    @Test
    void aLabelMapFileMapsFoldersWithOtherNames() throws IOException {
        Path root = tree("mapped", c -> "folder-" + (char) ('a' + c), c -> true);
        StringBuilder map = new StringBuilder("folder,label\n");
        for (int c = 0; c < 10; c++) {
            // Half by label name, half by class index.
            map.append("folder-").append((char) ('a' + c)).append(',').append(c % 2 == 0 ? labels.get(c) : "" + c).append('\n');
        }
        Path csv = Files.writeString(temp.resolve("map.csv"), map);
        JsonNode j = evaluate("--data", root.toString(), "--labels", csv.toString());
        assertThat(j.get("labelMapping").asText()).isEqualTo("file:map.csv");
        assertThat(j.get("accuracy").asDouble()).isEqualTo(idxAccuracy(c -> true));

        Path bad = Files.writeString(temp.resolve("bad-map.csv"), "folder,label\nfolder-a,T-shirt/top\nfolder-b,Sock\n");
        CliRun.Result r = CliRun.run("evaluate", "sample:fashion-cnn", "--device", "cpu", "--data", root.toString(),
                "--labels", bad.toString());
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("bad-map.csv: line 3").contains("'Sock'");
    }

    @Test
    void theMappingIsRecordedInTheProvenanceOfAnAnalysis() throws IOException {
        Path root = tree("craft", c -> labels.get(c).replace('/', '_'), c -> true);
        Path out = temp.resolve("craft-out");
        CliRun.Result r = CliRun.run("craft", "sample:fashion-cnn", "--device", "cpu", "--class", "Trouser", "--data",
                root.toString(), "--images", "2", "--rank", "2", "--designs", "4", "--no-fidelity", "--quiet", "--dpi", "72",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode pv = JSON.readTree(out.resolve("craft.json").toFile()).get("provenance");
        assertThat(pv.get("labelMapping").asText()).isEqualTo("by-name");
    }

    @Test
    void aModelsDefaultDataSetIsItsOwn() throws IOException {
        CliRun.Result r = CliRun.run("evaluate", "sample:mnist-cnn", "--device", "cpu", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("data").asText()).isEqualTo("sample:mnist-test");
        // The recorded accuracy is rounded to 4 digits in model.json.
        assertThat(j.get("accuracy").asDouble()).isCloseTo(j.get("recordedAccuracy").asDouble(),
                org.assertj.core.data.Offset.offset(5e-5));

        CliRun.Result none = CliRun.run("evaluate", "sample:tiny-cnn", "--device", "cpu");
        assertThat(none.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(none.err()).contains("tiny-cnn").contains("--data");

        CliRun.Result other = CliRun.run("evaluate", "sample:mnist-cnn", "--device", "cpu", "--data", "sample:fashion-test");
        assertThat(other.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(other.err()).contains("sample:fashion-test").contains("Ankle boot");
    }

    @Test
    void indicesTooLargeForAnIntAreNamedWithTheirOption() {
        String tooLarge = "99999999999";
        CliRun.Result query = CliRun.run("chmcorr", "sample:tiny-cnn", "--device", "cpu", "--gallery", "sample:fashion-train",
                "--query-set", "sample:fashion-test", "--gallery-size", "20", "--n", "10", "--k", "3", "--cache",
                temp.resolve("cache").toString(), "--query", tooLarge, "--out", temp.resolve("q").toString());
        assertThat(query.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(query.err()).contains("--query " + tooLarge).contains("0 … 1999");
        CliRun.Result cls = CliRun.run("neuronpath", "sample:tiny-vit", "--device", "cpu", "--data", "sample:fashion-test",
                "--class", tooLarge, "--out", temp.resolve("np").toString());
        assertThat(cls.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(cls.err()).contains("--class '" + tooLarge + "'").contains("0…9");
    }
}
