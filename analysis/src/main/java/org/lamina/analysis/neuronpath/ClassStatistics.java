package org.lamina.analysis.neuronpath;

import java.util.ArrayList;
import java.util.List;

/**
 * Class-level statistics of paths (spec "Evaluations"; reference {@code experiments/similarity}):
 * per class the frequency of every (block, neuron) in its images' paths, the cosine similarity
 * between classes' frequency vectors, and the most / least similar class pairs.
 *
 * @param classes     class labels, in matrix order
 * @param frequencies per class, {@code [block × width]} row-major: the fraction of the class's
 *                    images whose path contains that neuron
 * @param similarity  cosine similarity between classes
 * @param mostSimilar the most similar distinct pair (indices into {@code classes}), or empty
 * @param leastSimilar the least similar distinct pair, or empty
 */
public record ClassStatistics(List<String> classes, double[][] frequencies, double[][] similarity,
                              int[] mostSimilar, int[] leastSimilar) {

    /**
     * @param classOf per image, its index into {@code classes}
     * @param paths   per image {@code [block][K]}
     */
    public static ClassStatistics of(List<String> classes, int[] classOf, int[][][] paths, int blocks, int width) {
        int c = classes.size();
        double[][] freq = new double[c][blocks * width];
        int[] count = new int[c];
        for (int i = 0; i < paths.length; i++) {
            count[classOf[i]]++;
            for (int b = 0; b < blocks; b++) {
                for (int p : paths[i][b]) {
                    freq[classOf[i]][b * width + p] += 1;
                }
            }
        }
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < freq[k].length; j++) {
                freq[k][j] /= Math.max(1, count[k]);
            }
        }
        double[][] sim = new double[c][c];
        int[] most = new int[0];
        int[] least = new int[0];
        double best = Double.NEGATIVE_INFINITY;
        double worst = Double.POSITIVE_INFINITY;
        for (int a = 0; a < c; a++) {
            for (int b = 0; b < c; b++) {
                sim[a][b] = cosine(freq[a], freq[b]);
                if (b > a) {
                    if (sim[a][b] > best) {
                        best = sim[a][b];
                        most = new int[] {a, b};
                    }
                    if (sim[a][b] < worst) {
                        worst = sim[a][b];
                        least = new int[] {a, b};
                    }
                }
            }
        }
        return new ClassStatistics(List.copyOf(classes), freq, sim, most, least);
    }

    /** Cosine similarity; 0 when either vector is all zeros. */
    static double cosine(double[] u, double[] v) {
        double dot = 0;
        double nu = 0;
        double nv = 0;
        for (int i = 0; i < u.length; i++) {
            dot += u[i] * v[i];
            nu += u[i] * u[i];
            nv += v[i] * v[i];
        }
        return nu == 0 || nv == 0 ? 0 : dot / Math.sqrt(nu * nv);
    }

    /** The {@code n} most frequent (block, neuron, frequency) of class {@code k}. */
    public List<double[]> topNeurons(int k, int n, int width) {
        List<double[]> all = new ArrayList<>();
        for (int j = 0; j < frequencies[k].length; j++) {
            if (frequencies[k][j] > 0) {
                all.add(new double[] {j / width, j % width, frequencies[k][j]});
            }
        }
        all.sort((a, b) -> Double.compare(b[2], a[2]));
        return all.subList(0, Math.min(n, all.size()));
    }
}
