package org.lamina.analysis.infoplane;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.data.InformationBottleneckData;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.djl.Mlp;

import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The plain-Java trainer's forward pass and gradients equal DJL's Mlp with the same weights. */
class DenseNetworkTest {

    @Test
    void forwardAndGradientsMatchTheDjlMlp() {
        int[] widths = InfoPlaneParameters.DEFAULT_WIDTHS;
        for (Mlp.Kind kind : new Mlp.Kind[] {Mlp.Kind.TANH, Mlp.Kind.RELU}) {
            DenseNetwork net = new DenseNetwork(widths, kind, 5);
            // the DJL side works in float: round the weights so both start identical
            for (int l = 0; l < net.layers(); l++) {
                for (int i = 0; i < net.weight(l).length; i++) {
                    net.weight(l)[i] = (float) net.weight(l)[i];
                }
                for (int i = 0; i < net.bias(l).length; i++) {
                    net.bias(l)[i] = 0.01 * (i + 1); // non-zero biases exercise the bias gradient
                }
            }
            float[] x = InformationBottleneckData.inputs();
            int[] y = InformationBottleneckData.labels();
            int rows = 64;
            int from = 1000;
            double[][] gw = new double[net.layers()][];
            double[][] gb = new double[net.layers()][];
            for (int l = 0; l < net.layers(); l++) {
                gw[l] = new double[net.weight(l).length];
                gb[l] = new double[net.bias(l).length];
            }
            double loss = net.lossAndGradients(x, y, null, from, rows, gw, gb);
            double[][] ours = net.forward(x, null, from, rows, new double[net.layers()][]);

            ModelRuntime.engine();
            Mlp mlp = new Mlp(widths, kind);
            try (NDManager m = NDManager.newBaseManager()) {
                mlp.initialize(m, DataType.FLOAT32, new Shape(1, 12));
                for (int l = 0; l < net.layers(); l++) {
                    set(mlp.linear(l + 1).getParameters().get("weight"), net.weight(l));
                    set(mlp.linear(l + 1).getParameters().get("bias"), net.bias(l));
                }
                float[] xb = new float[rows * 12];
                System.arraycopy(x, from * 12, xb, 0, xb.length);
                float[] onehot = new float[rows * 2];
                for (int r = 0; r < rows; r++) {
                    onehot[r * 2 + y[from + r]] = 1;
                }
                try (GradientCollector gc = ModelRuntime.engine().newGradientCollector()) {
                    NDArray logits = mlp.forward(new ParameterStore(m, false), new NDList(m.create(xb, new Shape(rows, 12))), true)
                            .singletonOrThrow();
                    NDArray djlLoss = logits.logSoftmax(1).mul(m.create(onehot, new Shape(rows, 2))).sum().neg().div(rows);
                    gc.backward(djlLoss);
                    assertThat(djlLoss.getFloat()).isCloseTo((float) loss, within(1e-5f));
                    float[] probs = logits.softmax(1).toFloatArray();
                    for (int i = 0; i < probs.length; i++) {
                        assertThat(ours[net.layers() - 1][i]).isCloseTo(probs[i], within(1e-5));
                    }
                    for (int l = 0; l < net.layers(); l++) {
                        float[] g = mlp.linear(l + 1).getParameters().get("weight").getArray().getGradient().toFloatArray();
                        float[] b = mlp.linear(l + 1).getParameters().get("bias").getArray().getGradient().toFloatArray();
                        for (int i = 0; i < g.length; i++) {
                            assertThat(gw[l][i]).as("%s layer %d weight %d", kind, l, i).isCloseTo(g[i], within(1e-5));
                        }
                        for (int i = 0; i < b.length; i++) {
                            assertThat(gb[l][i]).isCloseTo(b[i], within(1e-5));
                        }
                    }
                }
            }
        }
    }

    private static void set(Parameter p, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        p.getArray().set(FloatBuffer.wrap(f));
    }

    @Test
    void initialWeightsAreTruncatedNormalWithStdOneOverRootFanIn() {
        DenseNetwork net = new DenseNetwork(new int[] {400, 300, 2}, Mlp.Kind.TANH, 1);
        double[] w = net.weight(0);
        double sum2 = 0;
        double max = 0;
        for (double v : w) {
            sum2 += v * v;
            max = Math.max(max, Math.abs(v));
        }
        double std = Math.sqrt(sum2 / w.length);
        // truncation at 2σ shrinks the std by a factor 0.8796
        assertThat(std * Math.sqrt(400)).isCloseTo(0.8796, within(0.01));
        assertThat(max * Math.sqrt(400)).isLessThanOrEqualTo(2);
        assertThat(net.bias(0)).containsOnly(0.0);
    }

    /**
     * The libtorch passes used for large layers compute what the Java passes compute: outputs,
     * loss and every gradient, for each activation (float32 against float64: relative 1e-4).
     */
    @Test
    void tensorPassesEqualJavaPasses() {
        int[] widths = {40, 300, 7, 3};
        float[] x = new float[50 * 40];
        int[] y = new int[50];
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = random.nextInt(3);
        }
        int[] index = {4, 9, 17, 1, 30, 31, 45, 0, 12, 22};
        for (Mlp.Kind kind : Mlp.Kind.values()) {
            DenseNetwork net = new DenseNetwork(widths, kind, 11);
            for (int l = 0; l < net.layers(); l++) {
                for (int i = 0; i < net.bias(l).length; i++) {
                    net.bias(l)[i] = 0.02 * (i % 5) - 0.03;
                }
            }
            double[][][] grads = new double[2][][];
            double[] losses = new double[2];
            double[][][] outs = new double[2][][];
            for (int path = 0; path < 2; path++) {
                net.useTensors(path == 1);
                grads[path] = new double[2 * net.layers()][];
                double[][] gw = new double[net.layers()][];
                double[][] gb = new double[net.layers()][];
                for (int l = 0; l < net.layers(); l++) {
                    gw[l] = new double[net.weight(l).length];
                    gb[l] = new double[net.bias(l).length];
                    grads[path][2 * l] = gw[l];
                    grads[path][2 * l + 1] = gb[l];
                }
                losses[path] = net.lossAndGradients(x, y, index, 2, 7, gw, gb);
                outs[path] = net.forward(x, index, 2, 7, null);
            }
            assertThat(losses[1]).as(kind + " loss").isCloseTo(losses[0], within(1e-5 * Math.max(1, losses[0])));
            for (int k = 0; k < grads[0].length; k++) {
                double scale = 1e-6;
                for (double v : grads[0][k]) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int i = 0; i < grads[0][k].length; i++) {
                    assertThat(grads[1][k][i]).as(kind + " gradient " + k + "[" + i + "]")
                            .isCloseTo(grads[0][k][i], within(1e-4 * scale));
                }
            }
            for (int l = 0; l < outs[0].length; l++) {
                for (int i = 0; i < outs[0][l].length; i++) {
                    assertThat(outs[1][l][i]).isCloseTo(outs[0][l][i], within(1e-4 * Math.max(1, Math.abs(outs[0][l][i]))));
                }
            }
        }
        assertThat(DenseNetwork.usesTensors(InfoPlaneParameters.DEFAULT_WIDTHS)).isFalse();
        assertThat(DenseNetwork.usesTensors(InfoPlaneParameters.SAXE_IMAGE_WIDTHS)).isTrue();
    }
}
