package org.lamina.analysis.explorer;

import org.lamina.analysis.data.ImageDataSet;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.session.PortablePath;
import org.lamina.analysis.session.SessionException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The explorer's parameters as a session records them: the image (an item of a data set, or an
 * image file), the probe point and the target class.
 *
 * @param dataSet     portable path of a data set's images file, or {@code null} for a file
 * @param index       item index in the data set
 * @param imageFile   portable path of an image file, or {@code null} for a data-set item
 * @param probePoint  probe point shown
 * @param targetClass class for the saliency, -1 for the predicted one (default)
 */
public record ExplorerParameters(String dataSet, int index, String imageFile, String probePoint, int targetClass) {

    public ExplorerParameters {
        if ((dataSet == null) == (imageFile == null)) {
            throw new IllegalArgumentException("explorer parameters need exactly one of dataSet and imageFile");
        }
        if (probePoint == null || probePoint.isBlank()) {
            throw new IllegalArgumentException("explorer parameters need a probePoint");
        }
    }

    /** Parameters for item {@code index} of a data set. */
    public static ExplorerParameters ofDataSet(Path imagesFile, int index, String probePoint, int targetClass) {
        return new ExplorerParameters(PortablePath.of(imagesFile), index, null, probePoint, targetClass);
    }

    /** Parameters for an image file. */
    public static ExplorerParameters ofFile(Path image, String probePoint, int targetClass) {
        return new ExplorerParameters(null, 0, PortablePath.of(image), probePoint, targetClass);
    }

    /** As a session's parameter map. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (dataSet != null) {
            m.put("dataSet", dataSet);
            m.put("index", index);
        } else {
            m.put("imageFile", imageFile);
        }
        m.put("probePoint", probePoint);
        m.put("targetClass", targetClass);
        return m;
    }

    /** From a session's parameter map, with a clear error naming the bad field. */
    public static ExplorerParameters fromMap(Map<String, Object> m) {
        try {
            Object ds = m.get("dataSet");
            Object file = m.get("imageFile");
            Object point = m.get("probePoint");
            int index = m.get("index") instanceof Number n ? n.intValue() : 0;
            int target = m.get("targetClass") instanceof Number n ? n.intValue() : -1;
            return new ExplorerParameters(ds == null ? null : ds.toString(), index, file == null ? null : file.toString(),
                    point == null ? null : point.toString(), target);
        } catch (IllegalArgumentException e) {
            throw new SessionException("explorer analysis: " + e.getMessage(), e);
        }
    }

    /** Where the image comes from, for people. */
    public String sourceLabel() {
        if (dataSet != null) {
            String file = PortablePath.resolve(dataSet).getFileName().toString();
            return PortablePath.resolve(dataSet).getParent().getFileName() + "/" + file.substring(0, Math.max(0, file.indexOf('-')))
                    + " #" + index;
        }
        return PortablePath.resolve(imageFile).getFileName().toString();
    }

    /** Loads the image and makes the request for a model with this manifest. */
    public ExplorerRequest toRequest(ModelManifest manifest) {
        float[] pixels = dataSet != null
                ? pixelsOf(ImageDataSet.open(PortablePath.resolve(dataSet)), index, manifest)
                : pixelsOf(PortablePath.resolve(imageFile), manifest);
        return new ExplorerRequest(sourceLabel(), pixels, probePoint, targetClass);
    }

    /** Item {@code index} of a data set as model-sized pixels in [0, 1] (resized when the sizes differ). */
    public static float[] pixelsOf(ImageDataSet data, int index, ModelManifest manifest) {
        long[] shape = requireImageModel(manifest);
        if (shape[0] == 1 && shape[1] == data.height() && shape[2] == data.width()) {
            return data.pixels(index);
        }
        return ImageInput.toUnitChw(data.image(index), (int) shape[0], (int) shape[1], (int) shape[2]);
    }

    /** An image file as model-sized pixels in [0, 1]. */
    public static float[] pixelsOf(Path image, ModelManifest manifest) {
        long[] shape = requireImageModel(manifest);
        return ImageInput.toUnitChw(ImageInput.read(image), (int) shape[0], (int) shape[1], (int) shape[2]);
    }

    private static long[] requireImageModel(ModelManifest manifest) {
        if (!manifest.input().isImage()) {
            throw new org.lamina.analysis.model.ModelException("model '" + manifest.name()
                    + "' does not take images (input shape " + java.util.Arrays.toString(manifest.input().shape()) + ")");
        }
        return manifest.input().shape();
    }
}
