package org.lamina.analysis.explorer;

import java.util.Objects;

/**
 * What to explore.
 *
 * @param source      where the image came from, for people and sessions (e.g.
 *                    {@code fashion-mnist/test#17} or a file path)
 * @param pixels      the image as model-sized pixel values in [0, 1], layout {@code [C, H, W]}
 *                    (not yet normalised)
 * @param probePoint  the probe point whose activation to show
 * @param targetClass the class whose saliency to compute; -1 for the predicted class
 */
public record ExplorerRequest(String source, float[] pixels, String probePoint, int targetClass) {

    public ExplorerRequest {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(probePoint, "probePoint");
        pixels = pixels.clone();
        if (targetClass < -1) {
            throw new IllegalArgumentException("target class must be -1 (predicted) or a class index, got " + targetClass);
        }
    }

    @Override
    public float[] pixels() {
        return pixels.clone();
    }
}
