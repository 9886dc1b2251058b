package org.lamina.analysis.model;

import java.util.Locale;

/**
 * How an image of another size than the model's input is brought to it: the manifest's optional
 * top-level {@code "preprocessing": {"resizeShorter": 256, "centerCrop": 224, "interpolation":
 * "bilinear"}} — torchvision's {@code transforms.Resize(256)} then {@code CenterCrop(224)} on a PIL
 * image, the evaluation transform of ImageNet models. Without that object ({@link #STRETCH}) an
 * image of another size is stretched to the input's height and width with Java2D's bilinear
 * interpolation (aspect ratio not kept), as Lamina always did.
 *
 * <p>An image already of the input's size is taken as it is in both cases: it is assumed to be
 * preprocessed already (a torchvision pipeline would instead enlarge it to the shorter side and
 * crop again).
 *
 * @param resizeShorter the shorter side's length after resizing (0 for {@link #STRETCH})
 * @param centerCrop    side of the square centre crop taken after resizing (0 for {@link #STRETCH})
 * @param interpolation the resampling filter of the resize
 */
public record ImagePreprocessing(int resizeShorter, int centerCrop, Interpolation interpolation) {

    /** PIL's resampling filters that a manifest may name. */
    public enum Interpolation {
        /** PIL {@code Image.BILINEAR} (triangle filter, widened when downscaling). */
        BILINEAR,
        /** PIL {@code Image.BICUBIC} (Keys cubic, a = −0.5, widened when downscaling). */
        BICUBIC;

        /** The manifest's spelling. */
        public String manifestName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** No preprocessing recorded: stretch to the input size (Java2D bilinear). */
    public static final ImagePreprocessing STRETCH = new ImagePreprocessing(0, 0, Interpolation.BILINEAR);

    public ImagePreprocessing {
        if (resizeShorter < 0 || centerCrop < 0 || (resizeShorter == 0) != (centerCrop == 0)) {
            throw new IllegalArgumentException("resizeShorter and centerCrop must both be positive (or both 0 for "
                    + "stretching), got " + resizeShorter + " and " + centerCrop);
        }
        if (centerCrop > resizeShorter) {
            throw new IllegalArgumentException("centerCrop " + centerCrop + " is larger than resizeShorter "
                    + resizeShorter + " (the crop must fit in the resized image)");
        }
    }

    /** Whether the manifest recorded a preprocessing (else {@link #STRETCH}). */
    public boolean recorded() {
        return resizeShorter > 0;
    }

    /** One line for {@code lamina inspect}, for a model whose input is {@code [c, h, w]}. */
    public String describe(long[] inputShape) {
        String size = inputShape.length == 3 ? inputShape[1] + "x" + inputShape[2] : "?";
        if (!recorded()) {
            return "none recorded: images of another size than " + size + " are stretched to " + size
                    + " (Java2D bilinear, aspect ratio not kept)";
        }
        return "resize shorter side to " + resizeShorter + " (" + interpolation.manifestName() + ", as PIL), centre crop "
                + centerCrop + "; images already " + size + " are taken as they are";
    }
}
