package org.lamina.analysis.craft;

/**
 * CRAFT's crops of a square image (shared/specs/craft.md §Pipeline step 2): patches of size P
 * with stride int(0.8·P), no padding, row-major (as {@code torch.nn.functional.unfold} orders
 * them in the reference), each resized back to the full image size with bilinear interpolation
 * ({@code F.interpolate(mode='bilinear', align_corners=False)}, no antialiasing).
 *
 * @param imageSize side of the (square) image in pixels
 * @param patch     side of a crop, 1 … imageSize
 * @param stride    step between crops, int(0.8·P) (at least 1)
 * @param perSide   crops along each side
 */
public record CropGrid(int imageSize, int patch, int stride, int perSide) {

    /** The grid for an image side and patch size. */
    public static CropGrid of(int imageSize, int patch) {
        if (patch < 1) {
            throw new IllegalArgumentException("--patch must be at least 1 pixel, got " + patch);
        }
        if (patch > imageSize) {
            throw new IllegalArgumentException("--patch " + patch + " is larger than the " + imageSize + "×" + imageSize
                    + " images: a crop must fit in the image");
        }
        int stride = Math.max(1, (int) (0.8 * patch));
        return new CropGrid(imageSize, patch, stride, (imageSize - patch) / stride + 1);
    }

    /**
     * Default patch size: 64 px at 224 px as the paper, scaled with the image; images under
     * 112 px get 0.36·side (10 px for 28-px images, inside the spec's 10–14).
     */
    public static int defaultPatch(int imageSize) {
        return imageSize >= 112 ? Math.max(1, Math.round(imageSize * 64f / 224f)) : Math.max(1, Math.round(imageSize * 0.36f));
    }

    /** Crops per image. */
    public int cropsPerImage() {
        return perSide * perSide;
    }

    /** Top-left row of crop {@code position}. */
    public int top(int position) {
        return (position / perSide) * stride;
    }

    /** Top-left column of crop {@code position}. */
    public int left(int position) {
        return (position % perSide) * stride;
    }

    /**
     * Writes crop {@code position} of {@code image} ({@code [channels, S, S]}), resized to S×S,
     * into {@code out} at {@code offset}.
     */
    public void extractResized(float[] image, int channels, int position, float[] out, int offset) {
        int s = imageSize;
        int top = top(position);
        int left = left(position);
        double scale = (double) patch / s;
        int plane = s * s;
        for (int y = 0; y < s; y++) {
            double sy = Math.max(0, (y + 0.5) * scale - 0.5);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, patch - 1);
            double fy = sy - y0;
            for (int x = 0; x < s; x++) {
                double sx = Math.max(0, (x + 0.5) * scale - 0.5);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, patch - 1);
                double fx = sx - x0;
                for (int ch = 0; ch < channels; ch++) {
                    int b = ch * plane;
                    double v00 = image[b + (top + y0) * s + left + x0];
                    double v01 = image[b + (top + y0) * s + left + x1];
                    double v10 = image[b + (top + y1) * s + left + x0];
                    double v11 = image[b + (top + y1) * s + left + x1];
                    out[offset + b + y * s + x] = (float) ((1 - fy) * ((1 - fx) * v00 + fx * v01) + fy * ((1 - fx) * v10 + fx * v11));
                }
            }
        }
    }

    /** Crop {@code position} at its own resolution ({@code [channels, P, P]}), for display. */
    public float[] crop(float[] image, int channels, int position) {
        int s = imageSize;
        float[] out = new float[channels * patch * patch];
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < patch; y++) {
                System.arraycopy(image, ch * s * s + (top(position) + y) * s + left(position), out, ch * patch * patch + y * patch, patch);
            }
        }
        return out;
    }
}
