package org.lamina.analysis.conceptdepth;

/**
 * Z-scoring with the training rows' mean and standard deviation (population std, as sklearn's
 * StandardScaler); a constant feature keeps scale 1 so it stays 0 instead of dividing by zero.
 */
record Standardiser(double[] mean, double[] std) {

    static Standardiser fit(float[] x, int n, int d) {
        double[] mean = new double[d];
        double[] sq = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = x[i * d + j] - mean[j];
                sq[j] += v * v;
            }
        }
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(sq[j] / n);
            if (std[j] == 0) {
                std[j] = 1;
            }
        }
        return new Standardiser(mean, std);
    }

    float[] apply(float[] x, int n) {
        int d = mean.length;
        float[] out = new float[x.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (float) ((x[i * d + j] - mean[j]) / std[j]);
            }
        }
        return out;
    }
}
