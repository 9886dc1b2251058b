package org.lamina.plugins.api;

import org.lamina.analysis.model.ProbeableModel;

import java.util.Objects;

/**
 * The model the workbench has open.
 *
 * @param location what the user opened: a directory path or {@code sample:NAME}
 * @param model    the model; owned by the shell, which closes it when another one is opened
 */
public record LoadedModel(String location, ProbeableModel model) {

    public LoadedModel {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(model, "model");
    }

    /** The model's name. */
    public String name() {
        return model.manifest().name();
    }
}
