package org.lamina.analysis.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** IDX reading, plain and gzipped, and the errors for broken files. */
class IdxFileTest {

    @TempDir
    Path temp;

    private static byte[] idx(int magic, int[] dims, int values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        for (int i = 0; i < values; i++) {
            out.writeByte(i * 7);
        }
        return bytes.toByteArray();
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        byte[] content = idx(0x803, new int[] {3, 2, 2}, 12);
        Path plain = Files.write(temp.resolve("images.idx3-ubyte"), content);
        Path gz = temp.resolve("images.idx3-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(content);
        }
        for (Path p : new Path[] {plain, gz}) {
            IdxFile f = IdxFile.read(p);
            assertThat(f.dims()).containsExactly(3, 2, 2);
            assertThat(f.count()).isEqualTo(3);
            assertThat(f.itemSize()).isEqualTo(4);
            assertThat(f.itemAsUnitFloats(1)[0]).isEqualTo((28 & 0xff) / 255f);
        }
    }

    @Test
    void readsLabels() throws IOException {
        Path p = Files.write(temp.resolve("labels"), idx(0x801, new int[] {4}, 4));
        assertThat(IdxFile.read(p).labels()).containsExactly(0, 7, 14, 21);
    }

    @Test
    void truncatedFileSaysSo() throws IOException {
        byte[] content = idx(0x803, new int[] {3, 2, 2}, 12);
        Path p = Files.write(temp.resolve("cut"), java.util.Arrays.copyOf(content, content.length - 5));
        assertThatThrownBy(() -> IdxFile.read(p)).isInstanceOf(DataException.class)
                .hasMessageContaining("cut").hasMessageContaining("truncated IDX file").hasMessageContaining("[3, 2, 2]");
    }

    @Test
    void wrongMagicIsNamed() throws IOException {
        Path p = Files.write(temp.resolve("notidx.png"), "\u0089PNG\r\n\u001a\n0000".getBytes());
        assertThatThrownBy(() -> IdxFile.read(p)).isInstanceOf(DataException.class)
                .hasMessageContaining("notidx.png").hasMessageContaining("magic number");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> IdxFile.read(temp.resolve("nope.gz"))).isInstanceOf(DataException.class)
                .hasMessageContaining("nope.gz: file not found");
    }

    @Test
    void committedFashionTestSubsetIsBalanced() {
        Path labels = org.lamina.analysis.model.ModelLocator.samplesDirectory()
                .resolve("data/fashion-mnist/test-labels-idx1-ubyte.gz");
        int[] counts = new int[10];
        for (int l : IdxFile.read(labels).labels()) {
            counts[l]++;
        }
        assertThat(counts).containsOnly(200);
    }
}
