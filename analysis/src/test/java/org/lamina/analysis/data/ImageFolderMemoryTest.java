package org.lamina.analysis.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An image folder far larger than the heap is read in a whole pass without running out of memory:
 * 600 images of 224×224 decode to 361 MB of floats, read by a child JVM limited to 64 MB of heap.
 * Decoding the folder whole when it is opened (as Lamina did before) ends in an
 * {@code OutOfMemoryError} there.
 */
class ImageFolderMemoryTest {

    private static final int IMAGES = 600;

    @TempDir
    Path temp;

    @Test
    void aWholePassOverAFolderLargerThanTheHeapFitsInASmallHeap() throws IOException, InterruptedException {
        Path root = temp.resolve("big");
        Path[] sources = new Path[2];
        for (int k = 0; k < 2; k++) {
            BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 224; y++) {
                for (int x = 0; x < 224; x++) {
                    img.setRGB(x, y, k == 0 ? 0xff0000 : 0x00ff00);
                }
            }
            sources[k] = temp.resolve("src" + k + ".png");
            ImageIO.write(img, "png", sources[k].toFile());
        }
        for (int i = 0; i < IMAGES; i++) {
            String cls = i % 2 == 0 ? "a" : "b";
            Files.createDirectories(root.resolve(cls));
            // A PNG of one colour is a few hundred bytes on disk and 602 KB decoded.
            Files.copy(sources[i % 2], root.resolve(cls).resolve(String.format("img%04d.png", i)));
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx64m", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), StreamingDecodeMain.class.getName(), root.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).doesNotContain("OutOfMemoryError");
        // Red images (channel 0 = 1.0) are class "a", half of them.
        assertThat(List.of(out.strip().split("\n"))).last().isEqualTo("read " + IMAGES + " sum " + IMAGES / 2);
        assertThat(p.exitValue()).isZero();
    }
}
