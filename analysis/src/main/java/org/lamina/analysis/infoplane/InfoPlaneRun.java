package org.lamina.analysis.infoplane;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.IntConsumer;

/**
 * One training run of the information-plane experiment: the data ({@link InfoPlaneData}: the
 * 12-bit set or a bundled image set), a {@link DenseNetwork} seeded with {@code seed}, Adam on
 * shuffled mini-batches of the training rows, and at every logged epoch the activations of every
 * layer on the MI rows (all 4,096 inputs of the 12-bit set), their MI, and the gradient
 * statistics (Saxe et al.: gradients of every mini-batch of one pass over the training rows,
 * computed with the current weights before training continues).
 */
public final class InfoPlaneRun {

    /**
     * Receives the activations of every layer at each logged epoch as they are computed, so they
     * can be written out ({@code --save-activations}) without keeping all epochs in memory. Called
     * from the run's own thread; parallel repeats call it concurrently with different seeds.
     */
    public interface ActivationSink {
        /** Keeps nothing. */
        ActivationSink NONE = (seed, epoch, layers) -> { };

        /**
         * @param seed   the run's seed
         * @param epoch  the logged epoch
         * @param layers row-major {@code [MI rows × width]} float32 activations, in the order of
         *               {@link InfoPlaneParameters#layerNames()}
         */
        void logged(long seed, int epoch, List<float[]> layers) throws java.io.IOException;

        /** What was saved where, for provenance; null when nothing is saved. */
        default String description() {
            return null;
        }
    }

    /** What a finished run returns. */
    public record Outcome(long seed, List<LoggedEpoch> points, List<float[]> finalActivations, int[] trainRows) {
    }

    private final InfoPlaneParameters p;
    private final MutualInformationEstimator estimator;
    private final InfoPlaneData data;
    private final float[] x;
    private final int[] y;
    private final int[] miLabels;

    public InfoPlaneRun(InfoPlaneParameters parameters, MutualInformationEstimator estimator) {
        this(parameters, estimator, InfoPlaneData.load(parameters));
    }

    /** A run on data already loaded (repeats share it). */
    public InfoPlaneRun(InfoPlaneParameters parameters, MutualInformationEstimator estimator, InfoPlaneData data) {
        this.p = parameters;
        this.estimator = estimator;
        this.data = data;
        this.x = data.inputs();
        this.y = data.labels();
        this.miLabels = data.miLabels();
    }

    /**
     * Trains with {@code seed} and logs per the schedule.
     *
     * @param repeat      index of this run among the repeats (for the monitor)
     * @param afterEpoch  called after every epoch (progress)
     */
    public Outcome run(int repeat, long seed, InfoPlaneMonitor monitor, IntConsumer afterEpoch) {
        return run(repeat, seed, monitor, afterEpoch, ActivationSink.NONE);
    }

    /** As {@link #run(int, long, InfoPlaneMonitor, IntConsumer)}, handing every logged epoch's activations to {@code sink}. */
    public Outcome run(int repeat, long seed, InfoPlaneMonitor monitor, IntConsumer afterEpoch, ActivationSink sink) {
        int[] train = data.trainRows();
        int[] test = data.testRows();
        int trainCount = train.length;

        DenseNetwork net = new DenseNetwork(p.widths(), p.activation(), seed);
        DenseNetwork.Adam adam = new DenseNetwork.Adam(net, p.learningRate());
        int layers = net.layers();
        double[][] gw = new double[layers][];
        double[][] gb = new double[layers][];
        for (int l = 0; l < layers; l++) {
            gw[l] = new double[net.weights[l].length];
            gb[l] = new double[net.biases[l].length];
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        int[] logged = p.schedule().epochs(p.epochs());
        int nextLog = 0;
        List<LoggedEpoch> points = new ArrayList<>();
        List<float[]> finalActivations = null;
        int[] batchOrder = train.clone();
        for (int epoch = 0; epoch <= p.epochs(); epoch++) {
            if (nextLog < logged.length && logged[nextLog] == epoch) {
                nextLog++;
                List<float[]> acts = new ArrayList<>();
                LoggedEpoch point = log(net, epoch, train, test, gw, gb, acts);
                try {
                    sink.logged(seed, epoch, acts);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot save the activations of epoch " + epoch + ": "
                            + e.getMessage(), e);
                }
                points.add(point);
                monitor.logged(repeat, point);
                if (epoch == p.epochs()) {
                    finalActivations = acts;
                }
            }
            if (epoch == p.epochs()) {
                break;
            }
            if (monitor.cancelled()) {
                throw new CancellationException("information-plane run cancelled at epoch " + epoch);
            }
            SplitMode.shuffle(batchOrder, random);
            double lossSum = 0;
            for (int from = 0; from < trainCount; from += p.batchSize()) {
                int rows = Math.min(p.batchSize(), trainCount - from);
                lossSum += net.lossAndGradients(x, y, batchOrder, from, rows, gw, gb) * rows;
                adam.step(net, gw, gb);
            }
            if (!Double.isFinite(lossSum)) {
                throw new TrainingDivergedException("training diverged in epoch " + (epoch + 1) + " (seed " + seed
                        + "): the loss became " + lossSum / trainCount + "; lower the learning rate or change the activation");
            }
            afterEpoch.accept(epoch + 1);
        }
        return new Outcome(seed, points, finalActivations, train);
    }

    private LoggedEpoch log(DenseNetwork net, int epoch, int[] train, int[] test, double[][] gw, double[][] gb,
                            List<float[]> activationsOut) {
        int layers = net.layers();
        int[] widths = net.widths();
        int n = data.rows();
        // every row once: the MI rows, and the train/test rows for loss and accuracy
        double[][] out = net.forward(x, null, 0, n, null);
        int[] mi = data.miRows();
        double[] ixt = new double[layers];
        double[] ity = new double[layers];
        double[] ixtLower = new double[layers];
        for (int l = 0; l < layers; l++) {
            double[] a = out[l];
            int width = widths[l + 1];
            float[] t = new float[mi.length * width];
            for (int r = 0; r < mi.length; r++) {
                int src = mi[r] * width;
                for (int j = 0; j < width; j++) {
                    double v = a[src + j];
                    if (!Double.isFinite(v)) {
                        throw new TrainingDivergedException("training diverged by epoch " + epoch + ": layer "
                                + p.layerNames().get(l) + " has NaN or infinite activations");
                    }
                    t[r * width + j] = (float) v;
                }
            }
            activationsOut.add(t);
            InformationEstimate e = estimator.estimate(t, mi.length, width, miLabels);
            ixt[l] = e.ixt();
            ity[l] = e.ity();
            ixtLower[l] = e.ixtLower();
        }
        double[] probs = out[layers - 1];
        int classes = widths[layers];
        double loss = 0;
        int trainCorrect = 0;
        for (int i : train) {
            loss -= Math.log(Math.max(probs[i * classes + y[i]], 1e-300));
            trainCorrect += argmax(probs, i, classes) == y[i] ? 1 : 0;
        }
        int testCorrect = 0;
        for (int i : test) {
            testCorrect += argmax(probs, i, classes) == y[i] ? 1 : 0;
        }
        // gradient statistics over one pass of mini-batches with fixed weights
        double[][] sum = new double[layers][];
        double[][] sumSq = new double[layers][];
        for (int l = 0; l < layers; l++) {
            sum[l] = new double[gw[l].length];
            sumSq[l] = new double[gw[l].length];
        }
        int batches = 0;
        for (int from = 0; from < train.length; from += p.batchSize()) {
            int rows = Math.min(p.batchSize(), train.length - from);
            net.lossAndGradients(x, y, train, from, rows, gw, gb);
            for (int l = 0; l < layers; l++) {
                for (int i = 0; i < gw[l].length; i++) {
                    sum[l][i] += gw[l][i];
                    sumSq[l][i] += gw[l][i] * gw[l][i];
                }
            }
            batches++;
        }
        double[] gMean = new double[layers];
        double[] gStd = new double[layers];
        double[] wNorm = new double[layers];
        for (int l = 0; l < layers; l++) {
            double m2 = 0;
            double v2 = 0;
            for (int i = 0; i < sum[l].length; i++) {
                double mean = sum[l][i] / batches;
                m2 += mean * mean;
                v2 += Math.max(0, sumSq[l][i] / batches - mean * mean);
            }
            gMean[l] = Math.sqrt(m2);
            gStd[l] = Math.sqrt(v2);
            double w2 = 0;
            for (double w : net.weights[l]) {
                w2 += w * w;
            }
            wNorm[l] = Math.sqrt(w2);
        }
        return new LoggedEpoch(epoch, ixt, ity, ixtLower, gMean, gStd, wNorm, loss / train.length,
                (double) trainCorrect / train.length, test.length == 0 ? Double.NaN : (double) testCorrect / test.length);
    }

    private static int argmax(double[] p, int row, int width) {
        int best = 0;
        for (int o = 1; o < width; o++) {
            if (p[row * width + o] > p[row * width + best]) {
                best = o;
            }
        }
        return best;
    }
}
