package org.lamina.analysis.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Data set readers and their errors on bad files. */
class DatasetReadersTest {

    @TempDir
    Path temp;

    private Path idx(String name, int magic, int... dims) throws IOException {
        Path p = temp.resolve(name);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(p))) {
            out.writeInt(magic);
            int n = 1;
            for (int d : dims) {
                out.writeInt(d);
                n *= d;
            }
            for (int i = 0; i < n; i++) {
                out.writeByte(i % 3);
            }
        }
        return p;
    }

    @Test
    void bundledFashionTestSetOpensWithTwoThousandImages() {
        Dataset d = SampleData.open("sample:fashion-test", new long[] {1, 28, 28});
        assertThat(d.size()).isEqualTo(2000);
        assertThat(d.sampleShape()).containsExactly(1, 28, 28);
        assertThat(d.classNames()).hasSize(10);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray b = d.batch(m, 0, 8, new float[] {0.5f}, new float[] {0.5f});
            assertThat(b.getShape().getShape()).containsExactly(8, 1, 28, 28);
            assertThat(b.min().getFloat()).isGreaterThanOrEqualTo(-1f);
            assertThat(b.max().getFloat()).isLessThanOrEqualTo(1f);
        }
    }

    @Test
    void mismatchedLabelCountIsNamed() throws IOException {
        Path images = idx("imgs", 0x803, 3, 2, 2);
        Path labels = idx("labs", 0x801, 2);
        assertThatThrownBy(() -> IdxDataset.read("x", images, labels, SampleData.DIGITS))
                .isInstanceOf(DataException.class).hasMessageContaining("labs").hasMessageContaining("2 labels for 3 images");
    }

    @Test
    void unknownSampleDataSetListsTheBundledOnes() {
        assertThatThrownBy(() -> SampleData.open("sample:cifar-train", new long[] {1, 28, 28}))
                .isInstanceOf(DataException.class).hasMessageContaining("sample:fashion-test");
    }

    @Test
    void imageFolderMatchesClassFoldersToTheModelsLabelsAndNamesAnUnreadableImage() throws IOException {
        for (String cls : List.of("b-cats", "a-dogs")) {
            Files.createDirectories(temp.resolve("set").resolve(cls));
            BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
            img.setRGB(1, 1, 0xffffff);
            ImageIO.write(img, "png", temp.resolve("set").resolve(cls).resolve("one.png").toFile());
        }
        List<String> modelLabels = List.of("b-cats", "a-dogs");
        ImageFolderDataset d = ImageFolderDataset.read(temp.resolve("set"), 3, 8, 8, modelLabels, null);
        assertThat(d.classNames()).isEqualTo(modelLabels);
        assertThat(d.labelMapping()).isEqualTo("by-name");
        assertThat(d.file(0).toString()).contains("a-dogs");
        assertThat(d.label(0)).isEqualTo(1);
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.sample(0)).hasSize(3 * 8 * 8);
        Files.writeString(temp.resolve("set/a-dogs/broken.png"), "not an image");
        // Opening only lists the files; the broken one is named when it is decoded, alone or in a pass.
        ImageFolderDataset withBroken = ImageFolderDataset.read(temp.resolve("set"), 3, 8, 8, modelLabels, null);
        assertThat(withBroken.size()).isEqualTo(3);
        assertThatThrownBy(() -> withBroken.sample(0))
                .isInstanceOf(DataException.class).hasMessageContaining("broken.png").hasMessageContaining("not a readable image");
        try (BatchPrefetch pass = BatchPrefetch.range(withBroken, 0, 3, 2, new float[] {0f}, new float[] {1f})) {
            assertThatThrownBy(() -> pass.next())
                    .isInstanceOf(DataException.class).hasMessageContaining("broken.png").hasMessageContaining("not a readable image");
        }
    }

    @Test
    void conceptCsvErrorsNameLineAndColumn() throws IOException {
        Path ok = Files.writeString(temp.resolve("ok.csv"), "path_or_text,label,group\n12,1,shoes\n13,0,\n");
        assertThat(ConceptSetCsv.read(ok)).containsExactly(new ConceptSetCsv.Row("12", 1, "shoes", 2),
                new ConceptSetCsv.Row("13", 0, "", 3));
        Path bad = Files.writeString(temp.resolve("bad.csv"), "path_or_text,label\na.png,1\nb.png,yes\n");
        assertThatThrownBy(() -> ConceptSetCsv.read(bad)).isInstanceOf(DataException.class)
                .hasMessageContaining("bad.csv: line 3, column label: expected 0 or 1, got 'yes'");
        Path header = Files.writeString(temp.resolve("h.csv"), "file;label\n");
        assertThatThrownBy(() -> ConceptSetCsv.read(header)).isInstanceOf(DataException.class)
                .hasMessageContaining("h.csv: line 1: neither a header");
    }

    @Test
    void conceptCsvHeaderIsOptional() throws IOException {
        // Issue #21 §6: the same rows with and without a header, line numbers counted in the file.
        Path with = Files.writeString(temp.resolve("with.csv"), "path_or_text,Label,group\na.png,1,dark\nb.png,0,dark\n");
        Path without = Files.writeString(temp.resolve("without.csv"), "\na.png,1,dark\nb.png,0,dark\n");
        assertThat(ConceptSetCsv.read(with)).containsExactly(new ConceptSetCsv.Row("a.png", 1, "dark", 2),
                new ConceptSetCsv.Row("b.png", 0, "dark", 3));
        assertThat(ConceptSetCsv.read(without)).containsExactly(new ConceptSetCsv.Row("a.png", 1, "dark", 2),
                new ConceptSetCsv.Row("b.png", 0, "dark", 3));
        Path twoCols = Files.writeString(temp.resolve("two.csv"), "7,0\n8,1\n");
        assertThat(ConceptSetCsv.read(twoCols)).extracting(ConceptSetCsv.Row::item).containsExactly("7", "8");
        // Neither a header nor a row: another column name, a label that is not 0/1, one column.
        for (String first : new String[] {"path,concept\na.png,1\n", "a.png,yes\nb.png,1\n", "a.png\nb.png,1\n"}) {
            Path bad = Files.writeString(temp.resolve("ambiguous.csv"), first);
            assertThatThrownBy(() -> ConceptSetCsv.read(bad)).isInstanceOf(DataException.class)
                    .hasMessageContaining("ambiguous.csv: line 1: neither a header 'path_or_text,label[,group]' nor a row");
        }
        Path onlyHeader = Files.writeString(temp.resolve("only.csv"), "path_or_text,label\n");
        assertThatThrownBy(() -> ConceptSetCsv.read(onlyHeader)).isInstanceOf(DataException.class)
                .hasMessageContaining("only.csv: no rows after the header");
    }
}
