package org.lamina.analysis.data;

import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelManifest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model's own data sets, as its {@code model.json} records them: {@code training.dataset} (the
 * set it was trained on) and {@code training.testData} (the set its recorded test accuracy was
 * measured on). The value's first word is the reference (the rest, e.g.
 * {@code "(2,000 images)"}, is a note): {@code sample:NAME}, or a path relative to the model
 * folder. Every command's default data set comes from here, so that {@code lamina evaluate
 * sample:mnist-cnn} evaluates on MNIST, and a model that records none must be given {@code --data}
 * instead of being handed some other model's data.
 */
public final class ModelDataSets {

    /** The {@code training} field of the test set. */
    public static final String TEST_FIELD = "testData";
    /** The {@code training} field of the training set. */
    public static final String TRAIN_FIELD = "dataset";

    private ModelDataSets() {
    }

    /** The model's test set, if its manifest records one. */
    public static Optional<String> test(ModelManifest manifest) {
        return reference(manifest, TEST_FIELD);
    }

    /** The model's training set, if its manifest records one. */
    public static Optional<String> train(ModelManifest manifest) {
        return reference(manifest, TRAIN_FIELD);
    }

    /**
     * {@code given} when the user gave one, else the model's test set, else an error that names
     * {@code option} and the manifest field.
     */
    public static String testOr(String given, ModelManifest manifest, String option) {
        return given != null ? given : test(manifest).orElseThrow(() -> missing(manifest, TEST_FIELD, option));
    }

    /** As {@link #testOr}, for the training set (galleries, CRAFT's class images). */
    public static String trainOr(String given, ModelManifest manifest, String option) {
        return given != null ? given : train(manifest).orElseThrow(() -> missing(manifest, TRAIN_FIELD, option));
    }

    private static Optional<String> reference(ModelManifest manifest, String field) {
        Object v = manifest.training().get(field);
        if (!(v instanceof String s) || s.isBlank()) {
            return Optional.empty();
        }
        String ref = s.strip().split("\\s+", 2)[0];
        if (ref.startsWith(ModelLocator.SAMPLE_PREFIX)) {
            return SampleData.names().contains(ref) ? Optional.of(ref) : Optional.empty();
        }
        Path p = manifest.directory().resolve(ref).normalize();
        return Files.exists(p) ? Optional.of(p.toString()) : Optional.empty();
    }

    private static IllegalArgumentException missing(ModelManifest manifest, String field, String option) {
        return new IllegalArgumentException("model '" + manifest.name() + "' records no data set of its own ("
                + manifest.manifestFile() + ": field 'training." + field + "' is missing or names no bundled set or "
                + "existing path); give " + option + " (e.g. " + option + " sample:fashion-test or an image folder)");
    }
}
