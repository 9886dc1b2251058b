package org.lamina.analysis.model;

import ai.djl.Device;

import org.lamina.analysis.model.djl.NativeModel;
import org.lamina.analysis.model.torchscript.TorchScriptModel;

import java.nio.file.Path;

/** Opens a model directory (or {@code sample:NAME}) on a device, whatever its back-end. */
public final class ModelLoader {

    private ModelLoader() {
    }

    /** Opens the model a user named, on the device chosen. */
    public static ProbeableModel open(String argument, ModelRuntime.DeviceChoice device) {
        return open(ModelLocator.resolve(argument), ModelRuntime.device(device));
    }

    /**
     * Opens a model directory on a device and checks its manifest against the network with one
     * forward pass ({@link ManifestCheck}): a model whose {@code model.json} says something the
     * network does not do is refused here, not trusted by an analysis.
     */
    public static ProbeableModel open(Path directory, Device device) {
        ModelManifest manifest = ManifestReader.read(directory);
        ProbeableModel model = switch (manifest.format()) {
            case ModelManifest.FORMAT_TORCHSCRIPT -> TorchScriptModel.open(manifest, device);
            case ModelManifest.FORMAT_DJL -> NativeModel.open(manifest, device);
            default -> throw new ModelException(manifest.manifestFile() + ": unsupported format " + manifest.format());
        };
        try {
            ManifestCheck.check(model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }
}
