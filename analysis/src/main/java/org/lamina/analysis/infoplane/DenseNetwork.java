package org.lamina.analysis.infoplane;

import org.lamina.analysis.model.djl.Mlp;

import java.util.SplittableRandom;

/**
 * The built-in fully connected network as plain {@code double[]} arrays, with its own forward,
 * backward and Adam step. This is the fast path of the information-plane experiment: for a
 * 12-10-7-5-4-3-2 net every tensor op is a few hundred multiply-adds, so the per-op cost of a
 * native engine call dominates. Measured on the project's shared 2-core machine (batch 256,
 * 13 steps per epoch): a hand-written DJL loop (forward on the {@link Mlp}, {@code JniUtils.backward},
 * DJL's Adam) takes 5.5 ms per step with one intra-op thread, 80–120 ms with two (thread
 * contention), i.e. 71 ms to 1.5 s per epoch, 3.5 min or more for 3,000 epochs; DJL's
 * {@code EasyTrain} about 120 ms per step. This class runs a full epoch plus its share of logging
 * and MI in about 11 ms (3,000 epochs in about 34 s). Same layout as DJL's {@code Linear}: weight
 * {@code [out × in]} row-major, bias {@code [out]}; {@code InfoPlaneTrainerTest} checks
 * outputs and gradients against the DJL {@link Mlp} with the same weights.
 *
 * <p>Hidden layers use the chosen activation; the last layer gives logits, followed by softmax and
 * cross-entropy (mean over the batch).
 */
public final class DenseNetwork {

    /**
     * A layer with at least this many weights sends the passes to libtorch ({@link TensorPasses}):
     * the 12-bit net (at most 120 weights a layer) stays in Java, Saxe's image net (0.8 M) does not.
     */
    static final long TENSOR_LAYER_WEIGHTS = 16_384;

    private final int[] widths;
    private final Mlp.Kind activation;
    private boolean tensors;
    final double[][] weights;
    final double[][] biases;

    /**
     * Weights truncated normal with std 1/√fan_in (redrawn beyond 2 std, as TensorFlow's
     * {@code truncated_normal}), biases 0.
     */
    public DenseNetwork(int[] widths, Mlp.Kind activation, long seed) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("a network needs an input width and at least one layer width");
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("widths must be positive, got " + java.util.Arrays.toString(widths));
            }
        }
        this.widths = widths.clone();
        this.activation = activation;
        this.tensors = usesTensors(widths);
        int layers = widths.length - 1;
        weights = new double[layers][];
        biases = new double[layers][];
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < layers; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            double std = 1 / Math.sqrt(in);
            weights[l] = new double[out * in];
            for (int i = 0; i < weights[l].length; i++) {
                double g;
                do {
                    g = random.nextGaussian();
                } while (Math.abs(g) > 2);
                weights[l][i] = g * std;
            }
            biases[l] = new double[out];
        }
    }

    public int[] widths() {
        return widths.clone();
    }

    /** Whether a network of these widths runs its passes as libtorch matrix products. */
    public static boolean usesTensors(int[] widths) {
        for (int l = 0; l + 1 < widths.length; l++) {
            if ((long) widths[l] * widths[l + 1] >= TENSOR_LAYER_WEIGHTS) {
                return true;
            }
        }
        return false;
    }

    /** Forces the passes into libtorch or into Java (tests compare the two). */
    void useTensors(boolean on) {
        tensors = on;
    }

    public Mlp.Kind activation() {
        return activation;
    }

    /** Number of linear layers. */
    public int layers() {
        return weights.length;
    }

    /** Weight matrix of layer {@code l} (0-based), {@code [out × in]} row-major (live array). */
    public double[] weight(int l) {
        return weights[l];
    }

    /** Bias of layer {@code l} (0-based) (live array). */
    public double[] bias(int l) {
        return biases[l];
    }

    /**
     * Forward pass of {@code rows} samples of {@code x} (row-major, width {@code widths[0]}),
     * selected by {@code index[from … from+rows)}. Returns every layer's output: hidden
     * activations, then the softmax probabilities as the last entry; {@code pre} (if not null)
     * receives the pre-activations (logits last).
     */
    public double[][] forward(float[] x, int[] index, int from, int rows, double[][] pre) {
        if (tensors) {
            return TensorPasses.forward(this, x, index, from, rows, pre);
        }
        return forwardInJava(x, index, from, rows, pre);
    }

    double[][] forwardInJava(float[] x, int[] index, int from, int rows, double[][] pre) {
        int layers = layers();
        double[][] out = new double[layers][];
        int in0 = widths[0];
        double[] a = new double[rows * in0];
        for (int r = 0; r < rows; r++) {
            int src = index == null ? from + r : index[from + r];
            for (int j = 0; j < in0; j++) {
                a[r * in0 + j] = x[src * in0 + j];
            }
        }
        for (int l = 0; l < layers; l++) {
            int in = widths[l];
            int outW = widths[l + 1];
            double[] w = weights[l];
            double[] b = biases[l];
            double[] z = new double[rows * outW];
            for (int r = 0; r < rows; r++) {
                int ar = r * in;
                for (int o = 0; o < outW; o++) {
                    double s = b[o];
                    int wo = o * in;
                    for (int i = 0; i < in; i++) {
                        s += a[ar + i] * w[wo + i];
                    }
                    z[r * outW + o] = s;
                }
            }
            if (pre != null) {
                pre[l] = z;
            }
            double[] h = new double[z.length];
            if (l < layers - 1) {
                apply(z, h);
            } else {
                softmax(z, h, rows, outW);
            }
            out[l] = h;
            a = h;
        }
        return out;
    }

    private void apply(double[] z, double[] h) {
        switch (activation) {
            case TANH -> {
                for (int i = 0; i < z.length; i++) {
                    h[i] = Math.tanh(z[i]);
                }
            }
            case RELU -> {
                for (int i = 0; i < z.length; i++) {
                    h[i] = z[i] > 0 ? z[i] : 0;
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < z.length; i++) {
                    h[i] = 1 / (1 + Math.exp(-z[i]));
                }
            }
            case LINEAR -> System.arraycopy(z, 0, h, 0, z.length);
        }
    }

    private static void softmax(double[] z, double[] p, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int o = 0; o < width; o++) {
                max = Math.max(max, z[r * width + o]);
            }
            double sum = 0;
            for (int o = 0; o < width; o++) {
                double e = Math.exp(z[r * width + o] - max);
                p[r * width + o] = e;
                sum += e;
            }
            for (int o = 0; o < width; o++) {
                p[r * width + o] /= sum;
            }
        }
    }

    /**
     * Mean cross-entropy of a batch and its gradients w.r.t. every weight and bias
     * ({@code gradW[l]}, {@code gradB[l]} are overwritten). Returns the loss in nats.
     */
    public double lossAndGradients(float[] x, int[] labels, int[] index, int from, int rows,
                                   double[][] gradW, double[][] gradB) {
        if (tensors) {
            return TensorPasses.lossAndGradients(this, x, labels, index, from, rows, gradW, gradB);
        }
        return lossAndGradientsInJava(x, labels, index, from, rows, gradW, gradB);
    }

    double lossAndGradientsInJava(float[] x, int[] labels, int[] index, int from, int rows,
                                  double[][] gradW, double[][] gradB) {
        int layers = layers();
        double[][] pre = new double[layers][];
        double[][] out = forwardInJava(x, index, from, rows, pre);
        int classes = widths[layers];
        double[] p = out[layers - 1];
        double loss = 0;
        double[] delta = new double[rows * classes];
        for (int r = 0; r < rows; r++) {
            int y = labels[index == null ? from + r : index[from + r]];
            loss -= Math.log(Math.max(p[r * classes + y], 1e-300));
            for (int o = 0; o < classes; o++) {
                delta[r * classes + o] = (p[r * classes + o] - (o == y ? 1 : 0)) / rows;
            }
        }
        for (int l = layers - 1; l >= 0; l--) {
            int in = widths[l];
            int outW = widths[l + 1];
            double[] aPrev;
            if (l == 0) {
                aPrev = new double[rows * in];
                for (int r = 0; r < rows; r++) {
                    int src = index == null ? from + r : index[from + r];
                    for (int j = 0; j < in; j++) {
                        aPrev[r * in + j] = x[src * in + j];
                    }
                }
            } else {
                aPrev = out[l - 1];
            }
            double[] gw = gradW[l];
            double[] gb = gradB[l];
            java.util.Arrays.fill(gw, 0);
            java.util.Arrays.fill(gb, 0);
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < outW; o++) {
                    double dz = delta[r * outW + o];
                    if (dz == 0) {
                        continue;
                    }
                    gb[o] += dz;
                    int wo = o * in;
                    int ar = r * in;
                    for (int i = 0; i < in; i++) {
                        gw[wo + i] += dz * aPrev[ar + i];
                    }
                }
            }
            if (l == 0) {
                break;
            }
            double[] w = weights[l];
            double[] next = new double[rows * in];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < outW; o++) {
                    double dz = delta[r * outW + o];
                    if (dz == 0) {
                        continue;
                    }
                    int wo = o * in;
                    for (int i = 0; i < in; i++) {
                        next[r * in + i] += dz * w[wo + i];
                    }
                }
            }
            double[] h = out[l - 1];
            double[] z = pre[l - 1];
            for (int i = 0; i < next.length; i++) {
                next[i] *= switch (activation) {
                    case TANH -> 1 - h[i] * h[i];
                    case RELU -> z[i] > 0 ? 1 : 0;
                    case SIGMOID -> h[i] * (1 - h[i]);
                    case LINEAR -> 1;
                };
            }
            delta = next;
        }
        return loss / rows;
    }

    /** Adam (Kingma &amp; Ba 2015) with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (PyTorch/DJL defaults). */
    public static final class Adam {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final double EPSILON = 1e-8;
        private final double learningRate;
        private final double[][] mW;
        private final double[][] vW;
        private final double[][] mB;
        private final double[][] vB;
        private int step;

        public Adam(DenseNetwork net, double learningRate) {
            this.learningRate = learningRate;
            int layers = net.layers();
            mW = new double[layers][];
            vW = new double[layers][];
            mB = new double[layers][];
            vB = new double[layers][];
            for (int l = 0; l < layers; l++) {
                mW[l] = new double[net.weights[l].length];
                vW[l] = new double[net.weights[l].length];
                mB[l] = new double[net.biases[l].length];
                vB[l] = new double[net.biases[l].length];
            }
        }

        /** One update of every parameter from the given gradients. */
        public void step(DenseNetwork net, double[][] gradW, double[][] gradB) {
            step++;
            double c1 = 1 - Math.pow(BETA1, step);
            double c2 = 1 - Math.pow(BETA2, step);
            for (int l = 0; l < net.layers(); l++) {
                update(net.weights[l], gradW[l], mW[l], vW[l], c1, c2);
                update(net.biases[l], gradB[l], mB[l], vB[l], c1, c2);
            }
        }

        private void update(double[] p, double[] g, double[] m, double[] v, double c1, double c2) {
            for (int i = 0; i < p.length; i++) {
                m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
                v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
                p[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON);
            }
        }
    }
}
