package org.lamina.analysis.explorer;

import java.util.List;

/**
 * What one explorer run found; plain data (serialises to JSON) with its provenance.
 *
 * @param model         model name
 * @param weightsSha256 SHA-256 of the model's weights
 * @param source        where the image came from
 * @param inputShape    {@code [C, H, W]} of the model input
 * @param pixels        the input pixels in [0, 1], {@code [C, H, W]}
 * @param labels        class names
 * @param probabilities softmax of the logits, per class
 * @param targetClass   the class the saliency is for (resolved: never -1)
 * @param probePoint    the probe point shown
 * @param pointShape    shape of the activation at that point (one sample)
 * @param activation    the activation values, row-major
 * @param saliency      |d p(target) / d input| reduced over channels by max, {@code [H, W]}
 * @param patchGrid     ViT patch grid {rows, cols}, or an empty array
 * @param versions      engine versions
 * @param device        the device the run used
 */
public record ExplorerResult(
        String model,
        String weightsSha256,
        String source,
        long[] inputShape,
        float[] pixels,
        List<String> labels,
        float[] probabilities,
        int targetClass,
        String probePoint,
        long[] pointShape,
        float[] activation,
        float[] saliency,
        int[] patchGrid,
        String versions,
        String device) {

    /** Index of the most probable class. */
    public int predictedClass() {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Image height. */
    public int height() {
        return (int) inputShape[inputShape.length - 2];
    }

    /** Image width. */
    public int width() {
        return (int) inputShape[inputShape.length - 1];
    }
}
