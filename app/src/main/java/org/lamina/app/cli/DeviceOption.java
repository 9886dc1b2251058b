package org.lamina.app.cli;

import org.lamina.analysis.model.ModelRuntime;

import picocli.CommandLine.Option;

/** {@code --device auto|cpu|gpu}, shared by the commands that run models. */
public final class DeviceOption {

    @Option(names = "--device", paramLabel = "auto|cpu|gpu", defaultValue = "auto",
            description = "Where models run: GPU when the engine sees one (auto, default), or force cpu/gpu.")
    String device;

    ModelRuntime.DeviceChoice choice() {
        return ModelRuntime.DeviceChoice.parse(device);
    }
}
