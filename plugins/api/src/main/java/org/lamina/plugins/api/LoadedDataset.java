package org.lamina.plugins.api;

import org.lamina.analysis.data.Dataset;

import java.util.Objects;

/**
 * A data set the workbench has open.
 *
 * @param reference what opens it again ({@link org.lamina.analysis.data.DatasetReference}), e.g.
 *                  {@code sample:fashion-test}; sessions record it
 * @param dataset   the data
 */
public record LoadedDataset(String reference, Dataset dataset) {

    public LoadedDataset {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(dataset, "dataset");
    }

    /** Short name for lists, e.g. {@code fashion-test (2000)}. */
    public String label() {
        String r = reference.startsWith("sample:") ? reference.substring("sample:".length())
                : java.nio.file.Path.of(reference).getFileName().toString();
        return r + " (" + dataset.size() + ")";
    }
}
