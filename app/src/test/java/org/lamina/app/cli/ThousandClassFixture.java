package org.lamina.app.cli;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.djl.NativeModelFiles;
import org.lamina.analysis.model.djl.SmallCnn;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

/**
 * A 1000-class model whose predictions are known without running it, and an image folder for it
 * (issue #21, §5), written in a fraction of a second with no Python.
 *
 * <p>The model is Lamina's native CNN with one channel: the 3×3 convolution passes the centre
 * pixel through (weight 1 there, 0 elsewhere, bias 0), so on a uniform grey image of level
 * {@code v} every stage holds {@code f = v/255} and global average pooling gives {@code f}. The
 * classifier's logits are {@code 2·μ_c·f − μ_c²} with centres {@code μ_c = c/255}: the same
 * order as {@code −(f − μ_c)²}, so the predicted class is the centre nearest to {@code f} —
 * grey level {@code v} is predicted as class {@code v} — and the top five are the five classes
 * nearest to {@code v}. Classes 256 … 999 are never predicted.
 */
final class ThousandClassFixture {

    static final int CLASSES = 1000;

    /** One image of the folder: its true class and its grey level (= its predicted class). */
    record Item(int truth, int grey) {
    }

    private ThousandClassFixture() {
    }

    /** Label of class c; class 7 has a comma, to check CSV quoting. */
    static String label(int c) {
        return c == 7 ? "crane, bird" : String.format("class-%03d", c);
    }

    /**
     * Writes the model into {@code dir}; its manifest names {@code ../images} as its test set
     * ({@link #writeImages} into the sibling folder {@code images}), so the workbench can evaluate it.
     */
    static Path writeModel(Path dir) {
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) {
            labels.add(label(c));
        }
        SmallCnn cnn = new SmallCnn(new int[] {1}, CLASSES);
        try (Model model = Model.newInstance("thousand", ai.djl.Device.cpu(), ModelRuntime.ENGINE)) {
            model.setBlock(cnn);
            cnn.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 8, 8));
            for (Pair<String, Parameter> p : cnn.getParameters()) {
                NDArray a = p.getValue().getArray();
                long[] shape = a.getShape().getShape();
                float[] v = new float[(int) a.size()];
                if (shape.length == 4) {
                    v[4] = 1f; // the centre of the 3×3 kernel
                } else if (shape.length == 2 && shape[0] == CLASSES) {
                    for (int c = 0; c < CLASSES; c++) {
                        v[c] = 2f * c / 255f;
                    }
                } else if (shape.length == 1 && shape[0] == CLASSES) {
                    for (int c = 0; c < CLASSES; c++) {
                        float mu = c / 255f;
                        v[c] = -mu * mu;
                    }
                }
                a.set(v);
            }
            var input = new ModelManifest.InputSpec(new long[] {1, 8, 8}, new float[] {0f}, new float[] {1f});
            NativeModelFiles.save(dir, "thousand", model, input, labels,
                    "1000-class test model: predicts the grey level of a uniform image", Map.of("testData", "../images"));
        }
        return dir;
    }

    /**
     * Writes an image folder into {@code dir}: 40 of the 1000 classes have images (folders named
     * by class index), the others none. Each image is uniform grey; about half are predicted right.
     */
    static List<Item> writeImages(Path dir, long seed) throws IOException {
        Random rnd = new Random(seed);
        List<Item> items = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        for (int c = 0; c < 36; c++) {
            classes.add(3 + 6 * c);
        }
        classes.addAll(List.of(7, 300, 512, 999)); // class 7 (a comma in its label) and three never predicted
        for (int c : classes) {
            int n = 1 + rnd.nextInt(4);
            Path folder = Files.createDirectories(dir.resolve(Integer.toString(c)));
            for (int i = 0; i < n; i++) {
                int grey = c <= 255 && rnd.nextBoolean() ? c : Math.min(255, Math.max(0, (c > 255 ? 250 : c) + 1 + rnd.nextInt(5)));
                items.add(new Item(c, grey));
                BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        img.getRaster().setSample(x, y, 0, grey);
                    }
                }
                ImageIO.write(img, "png", folder.resolve(i + ".png").toFile());
            }
        }
        return items;
    }

    /** Whether class {@code t} is among the five classes nearest to grey level {@code v}. */
    static boolean inTop5(int v, int t) {
        int lo = Math.max(0, Math.min(v - 2, CLASSES - 5));
        return t >= lo && t < lo + 5;
    }
}
