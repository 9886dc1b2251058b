package org.lamina.analysis.infoplane;

import org.lamina.analysis.model.ModelRuntime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the information-plane experiment: {@code repeats} independent {@link InfoPlaneRun}s with
 * seeds {@code seed … seed+repeats−1}, in parallel on up to all cores, then averages them into an
 * {@link InfoPlaneResult} with provenance.
 */
public final class InfoPlaneExperiment {

    /** Method name and version recorded in provenance. */
    public static final String METHOD = "information-plane (Shwartz-Ziv & Tishby 2017; Saxe et al. 2018)";
    public static final String VERSION = "1";

    private InfoPlaneExperiment() {
    }

    /** Runs the experiment; throws {@link CancellationException} if the monitor cancels. */
    public static InfoPlaneResult run(InfoPlaneParameters p, InfoPlaneMonitor monitor) {
        return run(p, monitor, InfoPlaneRun.ActivationSink.NONE);
    }

    /**
     * Runs the experiment and hands every run's activations at each logged epoch to {@code sink}
     * as they are computed (see {@link InfoPlaneFiles#activationWriter}).
     */
    public static InfoPlaneResult run(InfoPlaneParameters p, InfoPlaneMonitor monitor, InfoPlaneRun.ActivationSink sink) {
        MutualInformationEstimator estimator = p.createEstimator();
        long start = System.nanoTime();
        InfoPlaneData data = InfoPlaneData.load(p);
        int repeats = p.repeats();
        long total = (long) repeats * p.epochs();
        AtomicLong done = new AtomicLong();
        int threads = Math.max(1, Math.min(repeats, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "infoplane-run");
            t.setDaemon(true);
            return t;
        });
        List<InfoPlaneRun.Outcome> outcomes = new ArrayList<>();
        try {
            List<Future<InfoPlaneRun.Outcome>> futures = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                int repeat = r;
                long seed = p.seed() + r;
                futures.add(pool.submit(() -> new InfoPlaneRun(p, estimator, data).run(repeat, seed, monitor, epoch -> {
                    long d = done.incrementAndGet();
                    monitor.progress(d, total, "run " + (repeat + 1) + "/" + repeats + ", epoch " + epoch);
                }, sink)));
            }
            for (Future<InfoPlaneRun.Outcome> f : futures) {
                outcomes.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("information-plane experiment interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
        InfoPlaneResult r = aggregate(p, estimator, data, outcomes, (System.nanoTime() - start) / 1e9);
        if (sink.description() != null) {
            r.provenance().put("savedActivations", sink.description());
        }
        return r;
    }

    static InfoPlaneResult aggregate(InfoPlaneParameters p, MutualInformationEstimator estimator, InfoPlaneData data,
                                     List<InfoPlaneRun.Outcome> outcomes, double seconds) {
        int runs = outcomes.size();
        List<LoggedEpoch> first = outcomes.get(0).points();
        int epochsLogged = first.size();
        int layers = first.get(0).ixt().length;
        int[] epochs = first.stream().mapToInt(LoggedEpoch::epoch).toArray();
        double[][][] ixtRuns = new double[runs][epochsLogged][];
        double[][][] ityRuns = new double[runs][epochsLogged][];
        for (int r = 0; r < runs; r++) {
            for (int e = 0; e < epochsLogged; e++) {
                ixtRuns[r][e] = outcomes.get(r).points().get(e).ixt();
                ityRuns[r][e] = outcomes.get(r).points().get(e).ity();
            }
        }
        boolean hasLower = !Double.isNaN(first.get(0).ixtLower()[0]);
        double[][] lower = hasLower ? mean(outcomes, epochsLogged, layers, LoggedEpoch::ixtLower) : null;
        double[] trainLoss = new double[epochsLogged];
        double[] trainAcc = new double[epochsLogged];
        double[] testAcc = new double[epochsLogged];
        for (InfoPlaneRun.Outcome o : outcomes) {
            for (int e = 0; e < epochsLogged; e++) {
                trainLoss[e] += o.points().get(e).trainLoss() / runs;
                trainAcc[e] += o.points().get(e).trainAccuracy() / runs;
                testAcc[e] += o.points().get(e).testAccuracy() / runs;
            }
        }
        long[] seeds = outcomes.stream().mapToLong(InfoPlaneRun.Outcome::seed).toArray();
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("method", METHOD);
        provenance.put("version", VERSION);
        provenance.put("parameters", p);
        provenance.put("estimator", estimator.name());
        provenance.put("estimatorParameters", estimator.parameters());
        provenance.put("estimatorChoice", p.estimatorChoice());
        provenance.put("seeds", seeds);
        provenance.put("data", data.description());
        provenance.put("miRows", data.miRows().length);
        provenance.put("trainer", DenseNetwork.usesTensors(p.widths())
                ? "DenseNetwork: float64 parameters and Adam in Java, float32 forward/backward as libtorch matrix "
                        + "products (large layers); checked against the plain-Java passes"
                : "plain-Java float64 forward/backward + Adam (DenseNetwork); checked against the DJL Mlp on the same weights");
        provenance.put("engine", engineVersions(estimator, DenseNetwork.usesTensors(p.widths())));
        provenance.put("device", "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)");
        provenance.put("java", System.getProperty("java.version"));
        provenance.put("timestamp", Instant.now().toString());
        return new InfoPlaneResult(p.layerNames(), p.widths(), epochs,
                mean(outcomes, epochsLogged, layers, LoggedEpoch::ixt),
                mean(outcomes, epochsLogged, layers, LoggedEpoch::ity),
                std(ixtRuns), std(ityRuns), lower, ixtRuns, ityRuns,
                mean(outcomes, epochsLogged, layers, LoggedEpoch::gradientMean),
                mean(outcomes, epochsLogged, layers, LoggedEpoch::gradientStd),
                mean(outcomes, epochsLogged, layers, LoggedEpoch::snr),
                mean(outcomes, epochsLogged, layers, LoggedEpoch::weightNorm),
                trainLoss, trainAcc, testAcc,
                MutualInformationEstimator.labelEntropy(data.miLabels()),
                estimator.name(), estimator.parameters(), p, seeds, seconds, provenance,
                outcomes.get(0).finalActivations());
    }

    private static String engineVersions(MutualInformationEstimator estimator, boolean tensors) {
        if (estimator instanceof KdeEstimator) {
            return ModelRuntime.versions() + " (KDE pairwise terms)";
        }
        if (tensors) {
            return ModelRuntime.versions() + " (matrix products of the large layers)";
        }
        return "none (no native engine used)";
    }

    private static double[][] mean(List<InfoPlaneRun.Outcome> outcomes, int epochs, int layers,
                                   java.util.function.Function<LoggedEpoch, double[]> field) {
        double[][] m = new double[epochs][layers];
        for (InfoPlaneRun.Outcome o : outcomes) {
            for (int e = 0; e < epochs; e++) {
                double[] v = field.apply(o.points().get(e));
                for (int l = 0; l < layers; l++) {
                    m[e][l] += v[l] / outcomes.size();
                }
            }
        }
        return m;
    }

    private static double[][] std(double[][][] runs) {
        int r = runs.length;
        int epochs = runs[0].length;
        int layers = runs[0][0].length;
        double[][] s = new double[epochs][layers];
        if (r < 2) {
            return s;
        }
        for (int e = 0; e < epochs; e++) {
            for (int l = 0; l < layers; l++) {
                double mean = 0;
                for (double[][] run : runs) {
                    mean += run[e][l] / r;
                }
                double v = 0;
                for (double[][] run : runs) {
                    v += (run[e][l] - mean) * (run[e][l] - mean);
                }
                s[e][l] = Math.sqrt(v / (r - 1));
            }
        }
        return s;
    }
}
