package org.lamina.analysis.craft;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * Result of a CRAFT run, written as {@code craft.json} (matrices go to {@code craft-data.npz}).
 * Concept ids are NMF component indices; {@link #conceptsByImportance} orders them for display.
 *
 * @param model               model name
 * @param layer               the cut point
 * @param layerShape          activation shape of one sample at the cut point
 * @param target              the explained class
 * @param data                data set name
 * @param imageIndices        data-set indices of the class images used (crops of image i are
 *                            rows i·k … i·k + k − 1 of A, k = crops per image)
 * @param crops               the crop grid
 * @param rank                number of concepts r
 * @param importance          global Sobol total index per concept (mean over images)
 * @param reconstructionError ||A − UW||_F / ||A||_F
 * @param nmfIterations       NMF iterations run (one U step and one W step each)
 * @param nmfConverged        whether NMF met its tolerance
 * @param fidelity            deletion/insertion curves per ranking id
 * @param concepts            per concept: id, importance, indices (rows of A) of its top crops
 * @param parameters          the parameters of the run
 * @param provenance          method, versions, model SHA-256, device, seed, timestamp
 * @param stageSeconds        wall time per stage (crops+activations, nmf, encode, sobol, fidelity)
 * @param a                   crop activations {@code n × C}
 * @param u                   crop concept coefficients {@code n × r}
 * @param w                   concept bank {@code r × C}
 * @param localImportance     Sobol S_T per image {@code [images][r]}
 * @param coefficientMaps     NNLS coefficient map per image, {@code positions × r} row-major
 * @param gradientMaps        the paper-mode concept maps per image ({@link NnlsGradCam}: ∂u_c/∂g(x)
 *                            through the NNLS, Grad-CAM at the cut point), {@code positions × r} row-major
 * @param mapRows             rows of the cut point's spatial grid (1 for a vector point)
 * @param mapCols             columns of that grid
 * @param decomposition       the decomposition that made U and W ({@link Decomposition} id)
 * @param offset              μ added to every reconstruction (PCA's mean, {@code C} values), or {@code null}
 */
public record CraftResult(String model, String layer, long[] layerShape, @JsonProperty("class") ClassRef target,
                          String data, int[] imageIndices, CropGrid crops, int rank, double[] importance,
                          double reconstructionError, int nmfIterations, boolean nmfConverged,
                          Map<String, FidelityCurve> fidelity, List<Concept> concepts, CraftParameters parameters,
                          Map<String, Object> provenance, Map<String, Double> stageSeconds,
                          @JsonIgnore RowMajorMatrix a, @JsonIgnore RowMajorMatrix u, @JsonIgnore RowMajorMatrix w,
                          @JsonIgnore double[][] localImportance, @JsonIgnore float[][] coefficientMaps,
                          @JsonIgnore float[][] gradientMaps, int mapRows, int mapCols, String decomposition,
                          @JsonIgnore float[] offset) {

    /** Number of top crops kept per concept. */
    public static final int TOP_CROPS = 10;

    /** A class by index and label. */
    public record ClassRef(int index, String label) {
    }

    /**
     * One concept.
     *
     * @param id         NMF component index
     * @param importance global Sobol total index
     * @param topCrops   rows of A with the largest coefficient for this concept, best first
     */
    public record Concept(int id, double importance, int[] topCrops) {
    }

    /** Concept ids from most to least important. */
    @JsonIgnore
    public int[] conceptsByImportance() {
        return ConceptRanking.order(importance);
    }

    /** Data-set index of the image crop row {@code cropRow} of A comes from. */
    public int imageOfCrop(int cropRow) {
        return imageIndices[cropRow / crops.cropsPerImage()];
    }

    /** Crop position (in the grid) of row {@code cropRow} of A. */
    public int positionOfCrop(int cropRow) {
        return cropRow % crops.cropsPerImage();
    }
}
