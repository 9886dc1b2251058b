package org.lamina.analysis.conceptdepth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bundled concept sets and the errors of bad concept files. */
class ConceptSetsTest {

    private static final long[] IMAGE = {1, 28, 28};

    @Test
    void fashionConceptsAreBalancedAndGraded() {
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, IMAGE);
        assertThat(set.dataset().name()).isEqualTo("sample:fashion-test");
        assertThat(set.concepts()).extracting(Concept::name)
                .containsExactly("bright", "footwear", "upper-body", "shirt-vs-tshirt", "control");
        // 2,000 test images, 200 per class
        int[][] expected = {{1000, 1000}, {600, 600}, {800, 800}, {200, 200}, {1000, 1000}};
        for (int k = 0; k < expected.length; k++) {
            Concept c = set.concepts().get(k);
            assertThat(new int[] {c.positives(), c.negatives()}).as(c.name()).isEqualTo(expected[k]);
        }
        Concept shirt = set.concept("shirt-vs-tshirt");
        for (int i = 0; i < shirt.items().length; i++) {
            int cls = set.dataset().label(shirt.items()[i]);
            assertThat(cls).isIn(0, 6);
            assertThat(shirt.labels()[i]).isEqualTo(cls == 6 ? 1 : 0);
        }
        Concept footwear = set.concept("footwear");
        for (int i = 0; i < footwear.items().length; i++) {
            int cls = set.dataset().label(footwear.items()[i]);
            assertThat(footwear.labels()[i]).isEqualTo(cls == 5 || cls == 7 || cls == 9 ? 1 : 0);
        }
        // the same rule file gives the same concepts
        assertThat(ConceptSets.open("sample:fashion-concepts", null, IMAGE).concept("footwear").items())
                .isEqualTo(footwear.items());
    }

    @Test
    void brightMeansAboveTheMedianIntensity() {
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, IMAGE);
        Concept bright = set.concept("bright");
        double minBright = Double.MAX_VALUE;
        double maxDark = -1;
        for (int i = 0; i < bright.items().length; i++) {
            float[] s = set.dataset().sample(bright.items()[i]);
            double mean = 0;
            for (float v : s) {
                mean += v;
            }
            mean /= s.length;
            if (bright.labels()[i] == 1) {
                minBright = Math.min(minBright, mean);
            } else {
                maxDark = Math.max(maxDark, mean);
            }
        }
        assertThat(minBright).isGreaterThan(maxDark);
    }

    @Test
    void mnistConcepts() {
        ConceptSet set = ConceptSets.open("sample:mnist-concepts", null, IMAGE);
        assertThat(set.concepts()).extracting(Concept::name).containsExactly("digit-ge-5", "even", "closed-loop", "control");
        // 1,000 test digits, 100 per class: closed loops 0, 6, 8, 9 = 400 vs 600 → 400/400
        assertThat(set.concept("closed-loop").positives()).isEqualTo(400);
        assertThat(set.concept("closed-loop").negatives()).isEqualTo(400);
        assertThat(set.concept("digit-ge-5").items()).hasSize(1000);
    }

    @Test
    void csvOfIndicesWithGroups(@TempDir Path dir) throws IOException {
        StringBuilder s = new StringBuilder("path_or_index,label,group\n");
        for (int i = 0; i < 24; i++) {
            s.append(i).append(',').append(i % 2).append(",odd\n");
            s.append(i + 100).append(',').append(i < 12 ? 1 : 0).append(",first\n");
        }
        Path csv = Files.writeString(dir.resolve("mine.csv"), s);
        ConceptSet set = ConceptSets.open(csv.toString(), "sample:fashion-test", IMAGE);
        assertThat(set.concepts()).extracting(Concept::name).containsExactly("odd", "first");
        assertThat(set.concept("odd").positives()).isEqualTo(12);
        assertThat(set.allItems()).hasSize(48);
    }

    @Test
    void csvOfImagePaths(@TempDir Path dir) throws IOException {
        StringBuilder s = new StringBuilder("path_or_index,label\n");
        for (int i = 0; i < 20; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(i, i, 0, i % 2 == 0 ? 255 : 0);
            ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
            s.append("img").append(i).append(".png,").append(i % 2).append('\n');
        }
        ConceptSet set = ConceptSets.open(Files.writeString(dir.resolve("paths.csv"), s).toString(), null, IMAGE);
        assertThat(set.dataset().size()).isEqualTo(20);
        assertThat(set.concepts().get(0).name()).isEqualTo("paths");
        assertThat(Arrays.stream(set.concepts().get(0).labels()).sum()).isEqualTo(10);
    }

    @Test
    void unknownPathIsNamed(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("c.csv"), "path_or_index,label\nmissing.png,1\n");
        assertThatThrownBy(() -> ConceptSets.open(csv.toString(), null, IMAGE))
                .isInstanceOf(ConceptSetException.class)
                .hasMessageContaining("c.csv").hasMessageContaining("line 2").hasMessageContaining("unknown path 'missing.png'");
    }

    @Test
    void indexOutsideTheDataSet(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("c.csv"), "path_or_index,label\n5000,1\n");
        assertThatThrownBy(() -> ConceptSets.open(csv.toString(), "sample:fashion-test", IMAGE))
                .hasMessageContaining("index 5000 is outside data set 'sample:fashion-test' of 2000 samples");
    }

    @Test
    void singleClassLabelColumn(@TempDir Path dir) throws IOException {
        StringBuilder s = new StringBuilder("path_or_index,label\n");
        for (int i = 0; i < 30; i++) {
            s.append(i).append(",1\n");
        }
        Path csv = Files.writeString(dir.resolve("one.csv"), s);
        assertThatThrownBy(() -> ConceptSets.open(csv.toString(), null, IMAGE))
                .hasMessageContaining("one.csv").hasMessageContaining("single class").hasMessageContaining("all 1");
    }

    @Test
    void fewerThanTenPerClass(@TempDir Path dir) throws IOException {
        StringBuilder s = new StringBuilder("path_or_index,label\n");
        for (int i = 0; i < 30; i++) {
            s.append(i).append(',').append(i < 9 ? 0 : 1).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("few.csv"), s);
        assertThatThrownBy(() -> ConceptSets.open(csv.toString(), null, IMAGE))
                .hasMessageContaining("few.csv").hasMessageContaining("21 examples of label 1 and 9 of label 0")
                .hasMessageContaining("at least 10");
    }

    @Test
    void unknownSampleAndRule(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> ConceptSets.open("sample:nope", null, IMAGE)).hasMessageContaining("sample:fashion-concepts");
        Path rules = Files.writeString(dir.resolve("r.json"),
                "{\"dataset\":\"sample:fashion-test\",\"concepts\":[{\"name\":\"x\",\"rule\":\"magic\"}]}");
        assertThatThrownBy(() -> ConceptSets.open(rules.toString(), null, IMAGE))
                .hasMessageContaining("concept 'x'").hasMessageContaining("unknown rule 'magic'");
    }
}
