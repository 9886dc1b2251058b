package org.lamina.analysis.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.lamina.analysis.model.ImagePreprocessing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The list-file data set of issue #20: paths, labels, errors that name the file and line. */
class ImageListDatasetTest {

    private static final List<String> LABELS = List.of("cat", "dog", "fox");

    @TempDir
    Path dir;

    private Path grey(String name, int value) throws IOException {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                img.getRaster().setSample(x, y, 0, (value + x + 4 * y) & 0xff);
            }
        }
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    private ImageListDataset read(Path list) {
        return ImageListDataset.read(list, 1, 3, 4, ImagePreprocessing.STRETCH, LABELS);
    }

    @Test
    void readsRelativeAndAbsolutePathsWithLabelsByNameIndexOrNone() throws IOException {
        grey("imgs/a.png", 10);
        Path b = grey("imgs/b.png", 100);
        grey("c.png", 200);
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "# items\nimgs/a.png,dog\n\n" + b.toAbsolutePath() + ", 2\nc.png\n");

        ImageListDataset d = read(list);

        assertThat(d.size()).isEqualTo(3);
        assertThat(d.labels()).containsExactly(1, 2, ImageListDataset.NO_LABEL);
        assertThat(d.file(0)).isEqualTo(dir.resolve("imgs/a.png").toAbsolutePath().normalize());
        assertThat(d.file(2)).isEqualTo(dir.resolve("c.png").toAbsolutePath().normalize());
        assertThat(d.classNames()).isEqualTo(LABELS);
        assertThat(d.name()).isEqualTo("list.txt");
        float[] s = d.sample(1);
        assertThat(s).hasSize(12);
        assertThat(s[0]).isEqualTo(100 / 255f);
        assertThat(s[11]).isEqualTo(111 / 255f);
        float[] into = new float[14];
        d.decodeInto(0, into, 2);
        assertThat(into[2]).isEqualTo(10 / 255f);
        assertThat(d.describeItem(2)).contains("c.png");
    }

    @Test
    void identityFollowsTheFilesBytes() throws IOException {
        grey("a.png", 1);
        grey("b.png", 2);
        Path list = dir.resolve("list.lst");
        Files.writeString(list, "a.png,cat\nb.png,fox\n");
        String before = read(list).contentIdentity();
        assertThat(read(list).contentIdentity()).isEqualTo(before);
        grey("b.png", 3);
        assertThat(read(list).contentIdentity()).isNotEqualTo(before);
        Files.writeString(list, "a.png,cat\nb.png,dog\n");
        assertThat(read(list).contentIdentity()).isNotEqualTo(before);
    }

    /**
     * The identity made of pieces (each Spark task makes its items' records) is the identity read
     * in one go, wherever the pieces are cut; pieces that miss or repeat an item are refused.
     */
    @Test
    void identityFromPiecesIsTheWholeIdentity() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            grey("p" + i + ".png", 10 * i);
            lines.append("p").append(i).append(".png,").append(LABELS.get(i % 3)).append('\n');
        }
        Path list = dir.resolve("pieces.lst");
        Files.writeString(list, lines);
        ImageListDataset d = read(list);
        String whole = read(list).contentIdentity();
        assertThat(d.contentIdentityOf(List.of(d.identityRecords(0, 7)))).isEqualTo(whole);
        assertThat(d.contentIdentityOf(List.of(d.identityRecords(0, 2), d.identityRecords(2, 2),
                d.identityRecords(2, 6), d.identityRecords(6, 7)))).isEqualTo(whole);
        // Out of order is another identity; a missing or repeated item is no identity at all.
        assertThat(d.contentIdentityOf(List.of(d.identityRecords(3, 7), d.identityRecords(0, 3)))).isNotEqualTo(whole);
        assertThatThrownBy(() -> d.contentIdentityOf(List.of(d.identityRecords(0, 6))))
                .isInstanceOf(DataException.class).hasMessageContaining("records of 6 items for 7");
        assertThatThrownBy(() -> d.contentIdentityOf(List.of(d.identityRecords(0, 7), d.identityRecords(6, 7))))
                .isInstanceOf(DataException.class).hasMessageContaining("records of 8 items for 7");
        byte[] torn = java.util.Arrays.copyOf(d.identityRecords(0, 7), 100);
        assertThatThrownBy(() -> d.contentIdentityOf(List.of(torn))).isInstanceOf(DataException.class)
                .hasMessageContaining("ends inside a record");
    }

    @Test
    void badLinesAreRefusedWithFileAndLine() throws IOException {
        Path list = dir.resolve("bad.txt");
        Files.writeString(list, "a.png,cat\nb.png,wolf\n");
        assertThatThrownBy(() -> read(list)).isInstanceOf(DataException.class)
                .hasMessageContaining("bad.txt, line 2").hasMessageContaining("wolf");
        Files.writeString(list, "a.png,3\n");
        assertThatThrownBy(() -> read(list)).hasMessageContaining("line 1").hasMessageContaining("outside 0 … 2");
        Files.writeString(list, "s3a://bucket/a.png,cat\n");
        assertThatThrownBy(() -> read(list)).hasMessageContaining("line 1").hasMessageContaining("URL");
        Files.writeString(list, "# nothing\n\n");
        assertThatThrownBy(() -> read(list)).hasMessageContaining("no image paths");
    }

    @Test
    void aMissingImageIsNamedWithItsLineWhenDecoded() throws IOException {
        grey("a.png", 1);
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "a.png\n\ngone.png,fox\n");
        ImageListDataset d = read(list);
        assertThat(d.size()).isEqualTo(2);
        assertThatThrownBy(() -> d.sample(1)).isInstanceOf(DataException.class)
                .hasMessageContaining("list.txt, line 3").hasMessageContaining("gone.png");
    }

    @Test
    void sampleDataOpensAListFileForAnImageModel() throws IOException {
        grey("a.png", 5);
        Path list = dir.resolve("items.txt");
        Files.writeString(list, "a.png,fox\n");
        Dataset d = SampleData.open(list.toString(), new long[] {1, 3, 4}, LABELS, null);
        assertThat(d).isInstanceOf(ImageListDataset.class);
        assertThat(d.label(0)).isEqualTo(2);
        assertThatThrownBy(() -> SampleData.open(list.toString(), new long[] {1, 3, 4}, LABELS, dir.resolve("m.csv")))
                .hasMessageContaining("--labels");
        // A list at a URL is the Spark extraction's; one machine refuses it with the same advice.
        assertThatThrownBy(() -> SampleData.open("s3a://bucket/items.txt", new long[] {1, 3, 4}, LABELS, null))
                .isInstanceOf(DataException.class).hasMessageContaining("is a URL").hasMessageContaining("Mount it");
    }
}
