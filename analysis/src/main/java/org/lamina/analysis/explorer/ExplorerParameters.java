package org.lamina.analysis.explorer;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.DatasetReference;
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
 * @param dataSet     the data set's reference ({@link DatasetReference}, e.g. {@code sample:fashion-test}),
 *                    or {@code null} for a file
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

    /** Parameters for item {@code index} of the data set {@code reference} names. */
    public static ExplorerParameters ofDataSet(String reference, int index, String probePoint, int targetClass) {
        return new ExplorerParameters(reference, index, null, probePoint, targetClass);
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

    /**
     * From a session's parameter map. Keys: {@code dataSet} + {@code index} (required with a data
     * set) or {@code imageFile}, {@code probePoint}, {@code targetClass} (default −1, the predicted
     * class). A value of the wrong JSON type, an unknown key or an out-of-range number is a
     * {@link SessionException} that names the key: {@code "index": "12"} must never replay image 0.
     */
    public static ExplorerParameters fromMap(Map<String, Object> m) {
        try {
            org.lamina.analysis.session.ParameterMap r = new org.lamina.analysis.session.ParameterMap(m,
                    "explorer parameter", IllegalArgumentException::new)
                    .allowOnly("dataSet", "index", "imageFile", "probePoint", "targetClass");
            String ds = r.string("dataSet", null);
            String file = r.string("imageFile", null);
            int index = ds == null ? r.wholeNumber("index", 0) : r.requiredWholeNumber("index");
            if (index < 0) {
                throw new IllegalArgumentException("explorer parameter 'index' must be at least 0, got " + index);
            }
            int target = r.wholeNumber("targetClass", -1);
            if (target < -1) {
                throw new IllegalArgumentException("explorer parameter 'targetClass' must be a class index or -1 (the "
                        + "predicted class), got " + target);
            }
            return new ExplorerParameters(ds, index, file, r.requiredString("probePoint"), target);
        } catch (IllegalArgumentException e) {
            throw new SessionException("explorer analysis: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses, without computing anything, parameters this model or data cannot honour: an unknown
     * probe point, a target class the model does not have, an item outside the data set, an image
     * file that is not there.
     */
    public void checkAgainst(ModelManifest manifest) {
        try {
            manifest.probePoint(probePoint);
            if (targetClass >= manifest.labels().size()) {
                throw new IllegalArgumentException("explorer parameter 'targetClass' is " + targetClass + " but model '"
                        + manifest.name() + "' has classes 0 … " + (manifest.labels().size() - 1));
            }
            if (dataSet != null) {
                Dataset data = DatasetReference.open(dataSet, requireImageInput(manifest), manifest.labels());
                if (index >= data.size()) {
                    throw new IllegalArgumentException("explorer parameter 'index' is " + index + " but data set '" + dataSet
                            + "' has items 0 … " + (data.size() - 1));
                }
            } else if (!java.nio.file.Files.isRegularFile(PortablePath.resolve(imageFile))) {
                throw new IllegalArgumentException("explorer parameter 'imageFile' names " + PortablePath.resolve(imageFile)
                        + ", which is not a file");
            }
        } catch (IllegalArgumentException | org.lamina.analysis.model.ModelException e) {
            throw new SessionException("explorer analysis: " + e.getMessage(), e);
        }
    }

    /** Where the image comes from, for people. */
    public String sourceLabel() {
        if (dataSet != null) {
            return dataSet + " #" + index;
        }
        return PortablePath.resolve(imageFile).getFileName().toString();
    }

    /** Loads the image and makes the request for a model with this manifest. */
    public ExplorerRequest toRequest(ModelManifest manifest) {
        float[] pixels = dataSet != null
                ? pixelsOf(DatasetReference.open(dataSet, requireImageInput(manifest), manifest.labels()), index, manifest)
                : pixelsOf(PortablePath.resolve(imageFile), manifest);
        return new ExplorerRequest(sourceLabel(), pixels, probePoint, targetClass);
    }

    /** Item {@code index} of a data set as model-sized pixels in [0, 1] (resized when the sizes differ). */
    public static float[] pixelsOf(Dataset data, int index, ModelManifest manifest) {
        long[] shape = requireImageModel(manifest);
        if (index < 0 || index >= data.size()) {
            throw new IllegalArgumentException("item " + index + " is outside data set '" + data.name() + "' of "
                    + data.size() + " items");
        }
        long[] s = data.sampleShape();
        if (java.util.Arrays.equals(s, shape)) {
            return data.sample(index);
        }
        if (s.length != 3) {
            throw new org.lamina.analysis.model.ModelException("data set '" + data.name() + "' does not hold images");
        }
        return ImageInput.toUnitChw(ImageInput.toImage(data.sample(index), (int) s[0], (int) s[1], (int) s[2]),
                (int) shape[0], (int) shape[1], (int) shape[2]);
    }

    /** An image file as model-sized pixels in [0, 1]. */
    public static float[] pixelsOf(Path image, ModelManifest manifest) {
        return ImageInput.toUnitChw(ImageInput.read(image), requireImageInput(manifest));
    }

    private static ModelManifest.InputSpec requireImageInput(ModelManifest manifest) {
        requireImageModel(manifest);
        return manifest.input();
    }

    private static long[] requireImageModel(ModelManifest manifest) {
        if (!manifest.input().isImage()) {
            throw new org.lamina.analysis.model.ModelException("model '" + manifest.name()
                    + "' does not take images (input shape " + java.util.Arrays.toString(manifest.input().shape()) + ")");
        }
        return manifest.input().shape();
    }
}
