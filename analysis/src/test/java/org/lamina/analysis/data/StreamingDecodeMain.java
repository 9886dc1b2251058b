package org.lamina.analysis.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Child process of {@link ImageFolderMemoryTest}: opens an image folder as a 3×224×224 set and reads
 * every sample once, as a whole pass does. Prints {@code read N} on success. It uses only
 * {@link ImageFolderDataset#read} and {@link Dataset#sample}, which the eager implementation had
 * too, so the same program shows the old behaviour (an {@code OutOfMemoryError} under a small heap).
 */
public final class StreamingDecodeMain {

    private StreamingDecodeMain() {
    }

    public static void main(String[] args) {
        Dataset d = ImageFolderDataset.read(Path.of(args[0]), 3, 224, 224, List.of("a", "b"), null);
        double sum = 0;
        for (int i = 0; i < d.size(); i++) {
            sum += d.sample(i)[0];
        }
        System.out.println("read " + d.size() + " sum " + Math.round(sum));
    }
}
