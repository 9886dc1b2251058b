package org.lamina.distributed;

import org.lamina.analysis.conceptdepth.ConceptSets;
import org.lamina.analysis.conceptdepth.TextConceptData;
import org.lamina.analysis.conceptdepth.TokenPooling;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.data.TextDataset;
import org.lamina.analysis.model.ModelManifest;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What every executor needs to compute its partition, decided once on the driver and shipped with
 * the task: where the model and the data are (absolute paths on the shared file system), the
 * points and pooling, the chunk size and the threads per task. Nothing here is a live object, so
 * a task that Spark re-runs on another executor (a lost executor, a speculative copy) computes the
 * same rows from the same plan.
 *
 * @param modelDirectory absolute path of the model folder, the same on every node
 * @param dataReference  the data argument as resolved on the driver (an absolute list path)
 * @param points         probe points, in column order
 * @param pooling        the reduction's token pooling
 * @param chunkRows      items per forward chunk and Parquet part (memory holds two chunks)
 * @param threads        PyTorch intra-op threads per task, or 0 to leave Lamina's default
 * @param storeDirectory absolute path of the store folder, where each task writes its parts
 */
public record ExtractionPlan(String modelDirectory, String dataReference, ArrayList<String> points, TokenPooling pooling,
                             int chunkRows, int threads, String storeDirectory) implements Serializable {

    private static final long serialVersionUID = 1L;

    public ExtractionPlan {
        points = new ArrayList<>(points);
        if (chunkRows < 1) {
            throw new IllegalArgumentException("--part-rows must be at least 1, got " + chunkRows);
        }
    }

    /** The model folder. */
    public Path model() {
        return Path.of(modelDirectory);
    }

    /** The point names as an immutable list. */
    public List<String> pointList() {
        return List.copyOf(points);
    }

    /**
     * Opens the data set of {@code reference} for {@code model} exactly as {@code lamina extract}
     * does, so the driver and every executor number the same items the same way: an image model
     * reads a list of image paths (or any set {@link SampleData#open} knows), a language model a
     * {@code .txt} of texts or a concept set.
     */
    public static Dataset openData(ModelManifest model, String reference) {
        if (model.isCausalLm()) {
            if (reference.toLowerCase(Locale.ROOT).endsWith(".txt")) {
                Path file = Path.of(reference);
                TextDataset t = TextDataset.read(file);
                return new TextConceptData(file.getFileName().toString(),
                        t.items().stream().map(TextDataset.Item::text).toList());
            }
            return ConceptSets.open(reference, null, model, null).dataset();
        }
        return SampleData.open(reference, model.input(), model.labels(), null);
    }
}
