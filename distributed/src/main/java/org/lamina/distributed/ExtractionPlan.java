package org.lamina.distributed;

import org.lamina.analysis.conceptdepth.ConceptSets;
import org.lamina.analysis.conceptdepth.TextConceptData;
import org.lamina.analysis.conceptdepth.TokenPooling;
import org.lamina.analysis.data.DataException;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageListDataset;
import org.lamina.analysis.data.ItemStorage;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.data.TextDataset;
import org.lamina.analysis.model.ModelManifest;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What every executor needs to compute its partition, decided once on the driver and shipped with
 * the task: where the model and the data are (absolute paths on the shared file system, or the
 * data's and store's URLs on Hadoop's file systems), the
 * points and pooling, the chunk size and the threads per task. Nothing here is a live object, so
 * a task that Spark re-runs on another executor (a lost executor, a speculative copy) computes the
 * same rows from the same plan.
 *
 * @param modelDirectory absolute path of the model folder, the same on every node, or its qualified URL
 * @param dataReference  the data argument as resolved on the driver (an absolute list path or a URL)
 * @param points         probe points, in column order
 * @param pooling        the reduction's token pooling
 * @param chunkRows      items per forward chunk and Parquet part (memory holds two chunks)
 * @param threads        PyTorch intra-op threads per task, or 0 to leave Lamina's default
 * @param storeDirectory absolute path or qualified URL of the store folder, where each task writes its parts
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

    /** The model folder, when it is a path (a URL is copied first: {@code ModelCopies}). */
    public Path model() {
        return Path.of(modelDirectory);
    }

    /** The point names as an immutable list. */
    public List<String> pointList() {
        return List.copyOf(points);
    }

    /** Whether the store folder is a URL, written through Hadoop's file systems. */
    public boolean storeIsUrl() {
        return ItemStorage.isUrl(storeDirectory);
    }

    /**
     * Opens the data set of {@code reference} for {@code model} exactly as {@code lamina extract}
     * does, so the driver and every executor number the same items the same way: an image model
     * reads a list of image paths (or any set {@link SampleData#open} knows), a language model a
     * {@code .txt} of texts or a concept set.
     */
    public static Dataset openData(ModelManifest model, String reference) {
        return openData(model, reference, ItemStorage.LOCAL);
    }

    /**
     * As {@link #openData(ModelManifest, String)}, a list of images read through {@code storage}:
     * the list and its lines may be URLs that storage reads ({@code hdfs://}, {@code s3a://}),
     * where {@code lamina extract} on one machine refuses them. Plain paths are read as files, so
     * the items and the content identity are those of one machine.
     */
    public static Dataset openData(ModelManifest model, String reference, ItemStorage storage) {
        boolean url = ItemStorage.isUrl(reference);
        if (!model.isCausalLm() && ImageListDataset.isListFile(reference)
                && (url || Files.isRegularFile(Path.of(reference)))) {
            long[] shape = model.input().shape();
            if (shape.length != 3) {
                throw new DataException(reference + ": image lists need a model with an image input [c, h, w]");
            }
            return ImageListDataset.read(reference, storage, (int) shape[0], (int) shape[1], (int) shape[2],
                    model.input().preprocessing(), model.labels());
        }
        if (url) {
            throw new DataException(reference + ": a URL is read for an image model's list of images (.txt or .lst) "
                    + "only; put " + (model.isCausalLm() ? "a language model's texts" : "this data set")
                    + " on storage every executor mounts and give its path");
        }
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
