package org.lamina.analysis.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.model.ImagePreprocessing;
import org.lamina.analysis.model.ImagePreprocessing.Interpolation;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorded preprocessing ({@link ImagePreprocessing}) against torchvision itself:
 * {@code Resize(256, interpolation)} + {@code CenterCrop(224)} on {@code Image.open(f).convert(mode)},
 * run by {@code /usr/bin/python3} (Debian's torchvision 0.14 and Pillow) on images that shrink, grow,
 * and whose crop offset is a half (Python rounds it to even). Tolerance: none — every 8-bit value
 * must be equal, since {@link PilResize} is Pillow's fixed-point algorithm step for step. Skipped,
 * saying so, where torchvision is not installed (CI: apt-get install python3-torchvision).
 */
class PilResizeTest {

    /** One process for every case (importing torchvision takes seconds): lines "file mode interp out". */
    private static final String PY = """
            import sys
            try:
                import numpy as np
                from PIL import Image
                from torchvision import transforms
            except ImportError as e:
                print("missing:", e)
                sys.exit(3)
            for line in open(sys.argv[1], encoding="utf-8"):
                f, mode, interp, out = line.split()
                m = {"bilinear": transforms.InterpolationMode.BILINEAR, "bicubic": transforms.InterpolationMode.BICUBIC}[interp]
                t = transforms.Compose([transforms.Resize(256, interpolation=m), transforms.CenterCrop(224)])
                a = np.asarray(t(Image.open(f).convert(mode)), dtype=np.uint8)
                a = a[None] if a.ndim == 2 else a.transpose(2, 0, 1)
                open(out, "wb").write(np.ascontiguousarray(a).tobytes())
            """;

    @TempDir
    Path temp;

    private Path image(int w, int h, long seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Edges and noise, so that a filter or offset error of one pixel shows.
                int r = (x * 255 / w + rnd.nextInt(40)) & 0xff;
                int g = ((x / 7 + y / 5) % 2 == 0 ? 230 : 20) + rnd.nextInt(20);
                int b = (y * 255 / h) ^ (x & 0x1f);
                img.setRGB(x, y, (r << 16) | (Math.min(g, 255) << 8) | (b & 0xff));
            }
        }
        Path f = temp.resolve("img-" + w + "x" + h + ".png");
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    /** Runs the reference on every job line; {@code false} when torchvision or PIL cannot be imported. */
    private boolean torchvision(List<String> jobs) throws IOException, InterruptedException {
        Path script = Files.writeString(temp.resolve("ref.py"), PY);
        Path list = Files.write(temp.resolve("jobs.txt"), jobs);
        Process p;
        try {
            p = new ProcessBuilder("/usr/bin/python3", script.toString(), list.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return false; // no /usr/bin/python3
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() == 3) {
            return false;
        }
        assertThat(p.exitValue()).as(log).isZero();
        return true;
    }

    @Test
    void resizeShorterThenCentreCropEqualsTorchvisionOnPilImages() throws Exception {
        int[][] sizes = {{500, 400}, {333, 250}, {250, 371}, {224, 300}};
        List<String> jobs = new ArrayList<>();
        List<float[]> java = new ArrayList<>();
        List<String> what = new ArrayList<>();
        for (Interpolation interp : Interpolation.values()) {
            ImagePreprocessing pre = new ImagePreprocessing(256, 224, interp);
            for (int[] s : sizes) {
                Path f = image(s[0], s[1], s[0] * 31L + s[1]);
                for (int channels : new int[] {3, 1}) {
                    java.add(ImageInput.toUnitChw(ImageInput.read(f), channels, 224, 224, pre));
                    Path out = temp.resolve("ref" + jobs.size() + ".bin");
                    jobs.add(f + " " + (channels == 3 ? "RGB" : "L") + " " + interp.manifestName() + " " + out);
                    what.add(interp + " " + s[0] + "x" + s[1] + ", " + channels + " channel(s)");
                }
            }
        }
        Assumptions.assumeTrue(torchvision(jobs),
                "skipped: /usr/bin/python3 cannot import torchvision, PIL and numpy (apt-get install python3-torchvision)");
        for (int k = 0; k < jobs.size(); k++) {
            byte[] ref = Files.readAllBytes(temp.resolve("ref" + k + ".bin"));
            float[] j = java.get(k);
            assertThat(ref).as(what.get(k)).hasSize(j.length);
            int worst = 0;
            for (int i = 0; i < ref.length; i++) {
                worst = Math.max(worst, Math.abs(Math.round(j[i] * 255f) - (ref[i] & 0xff)));
            }
            assertThat(worst).as("max |Java - torchvision| in 8-bit steps, %s", what.get(k)).isZero();
        }
    }

    @Test
    void anImageOfTheInputSizeIsTakenAsItIs() throws IOException {
        Path f = image(224, 224, 7);
        ImagePreprocessing pre = new ImagePreprocessing(256, 224, Interpolation.BILINEAR);
        assertThat(ImageInput.toUnitChw(ImageInput.read(f), 3, 224, 224, pre))
                .containsExactly(ImageInput.toUnitChw(ImageInput.read(f), 3, 224, 224));
    }

    @Test
    void theCropIsCentredWithPythonsRoundingOfHalves() {
        // 1 x 5 grey ramp already at the shorter side: no resampling, only the crop. (5 - 2) / 2 = 1.5
        // rounds to 2 (half to even), so the crop starts at column 2.
        int[] row = {0x000000, 0x010101, 0x020202, 0x030303, 0x040404, 0x050505};
        int[] two = PilResize.resizeAndCrop(new int[] {row[0], row[1], row[2], row[3], row[4],
                row[0], row[1], row[2], row[3], row[4]}, 5, 2, new ImagePreprocessing(2, 2, Interpolation.BILINEAR));
        assertThat(two).containsExactly(0x020202, 0x030303, 0x020202, 0x030303);
    }
}
