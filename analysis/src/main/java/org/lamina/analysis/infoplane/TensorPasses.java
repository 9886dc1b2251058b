package org.lamina.analysis.infoplane;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.djl.Mlp;

/**
 * Forward and backward passes of a {@link DenseNetwork} as libtorch matrix products, for networks
 * with a large layer (Saxe et al.'s 784-1024-20-20-20-10 on images: 0.8 M weights in the first
 * layer). The plain-Java loops of {@link DenseNetwork} win for the 12-bit net, where each product
 * is a few hundred multiply-adds and a native call costs more; here one epoch of 2,000 images is
 * about 10 GFLOP, seconds in scalar Java and a fraction of a second in libtorch.
 *
 * <p>The parameters stay {@code double[]} in the network (so Adam, the gradient statistics and
 * the weight norms are the same code for both paths); each call copies them as float32, computes
 * the same quantities as the Java passes — hidden activations, softmax, mean cross-entropy and its
 * gradients, written by hand (no autograd: the derivative of a dense layer is two products) — and
 * copies the results back. {@code DenseNetworkTest} checks both paths agree.
 */
final class TensorPasses {

    private TensorPasses() {
    }

    /** Same contract as {@link DenseNetwork#forward}. */
    static double[][] forward(DenseNetwork net, float[] x, int[] index, int from, int rows, double[][] pre) {
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[][] passes = forward(m, net, input(m, net, x, index, from, rows));
            int layers = net.layers();
            double[][] out = new double[layers][];
            for (int l = 0; l < layers; l++) {
                out[l] = toDouble(passes[1][l]);
                if (pre != null) {
                    pre[l] = toDouble(passes[0][l]);
                }
            }
            return out;
        }
    }

    /** Same contract as {@link DenseNetwork#lossAndGradients}. */
    static double lossAndGradients(DenseNetwork net, float[] x, int[] labels, int[] index, int from, int rows,
                                   double[][] gradW, double[][] gradB) {
        ModelRuntime.engine();
        int layers = net.layers();
        int[] widths = net.widths();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a0 = input(m, net, x, index, from, rows);
            NDArray[][] passes = forward(m, net, a0);
            NDArray[] z = passes[0];
            NDArray[] h = passes[1];
            int classes = widths[layers];
            float[] oneHot = new float[rows * classes];
            for (int r = 0; r < rows; r++) {
                oneHot[r * classes + labels[index == null ? from + r : index[from + r]]] = 1;
            }
            NDArray target = m.create(oneHot, new Shape(rows, classes));
            NDArray logP = z[layers - 1].logSoftmax(1);
            double loss = -logP.mul(target).sum().getFloat() / rows;
            NDArray delta = h[layers - 1].sub(target).div(rows);
            for (int l = layers - 1; l >= 0; l--) {
                NDArray aPrev = l == 0 ? a0 : h[l - 1];
                copy(delta.transpose().matMul(aPrev), gradW[l]);
                copy(delta.sum(new int[] {0}), gradB[l]);
                if (l == 0) {
                    break;
                }
                NDArray back = delta.matMul(weight(m, net, l));
                delta = back.mul(derivative(net.activation(), z[l - 1], h[l - 1]));
            }
            return loss;
        }
    }

    /** {@code [pre-activations, outputs]} per layer; the last output is the softmax. */
    private static NDArray[][] forward(NDManager m, DenseNetwork net, NDArray a) {
        int layers = net.layers();
        NDArray[] z = new NDArray[layers];
        NDArray[] h = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
            NDArray w = weight(m, net, l);
            NDArray b = m.create(toFloat(net.bias(l)));
            z[l] = a.matMul(w.transpose()).add(b);
            h[l] = l < layers - 1 ? activate(net.activation(), z[l]) : z[l].softmax(1);
            a = h[l];
        }
        return new NDArray[][] {z, h};
    }

    private static NDArray activate(Mlp.Kind kind, NDArray z) {
        return switch (kind) {
            case TANH -> z.tanh();
            case RELU -> z.maximum(0f);
            case SIGMOID -> z.getNDArrayInternal().sigmoid();
            case LINEAR -> z;
        };
    }

    private static NDArray derivative(Mlp.Kind kind, NDArray z, NDArray h) {
        return switch (kind) {
            case TANH -> h.mul(h).neg().add(1f);
            case RELU -> z.gt(0f).toType(DataType.FLOAT32, false);
            case SIGMOID -> h.mul(h.neg().add(1f));
            case LINEAR -> z.onesLike();
        };
    }

    private static NDArray input(NDManager m, DenseNetwork net, float[] x, int[] index, int from, int rows) {
        int in = net.widths()[0];
        float[] a = new float[rows * in];
        for (int r = 0; r < rows; r++) {
            int src = index == null ? from + r : index[from + r];
            System.arraycopy(x, src * in, a, r * in, in);
        }
        return m.create(a, new Shape(rows, in));
    }

    private static NDArray weight(NDManager m, DenseNetwork net, int l) {
        int[] widths = net.widths();
        return m.create(toFloat(net.weight(l)), new Shape(widths[l + 1], widths[l]));
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] toDouble(NDArray a) {
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static void copy(NDArray a, double[] into) {
        float[] f = a.toFloatArray();
        for (int i = 0; i < f.length; i++) {
            into[i] = f[i];
        }
    }
}
