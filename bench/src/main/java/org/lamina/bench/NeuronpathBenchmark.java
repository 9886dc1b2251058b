package org.lamina.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.neuronpath.CleanPass;
import org.lamina.analysis.neuronpath.FfnNeurons;
import org.lamina.analysis.neuronpath.PathSearch;
import org.lamina.analysis.neuronpath.TokenMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Case {@code neuronpath}: the neuron path of fashion-vit images (L = 6 blocks, 256 neurons,
 * m = 20) — clean pass, layer-progressive JAS search, path score JAS(P) — in ms per image, for one
 * image at a time and for chunks of 8 (the analysis's batching). Python twin:
 * {@code bench/python/neuronpath.py}, NeuronPath's reference loop on the same model.pt.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NeuronpathBenchmark {

    private static final int STEPS = 20;
    private static final int CHUNK = 8;

    private ProbeableModel model;
    private NDManager manager;
    private PathSearch search;
    private NDArray one;
    private NDArray eight;
    private int[] labels;

    @Setup(Level.Trial)
    public void open() {
        ModelRuntime.goOffline();
        model = ModelLoader.open("sample:fashion-vit", ModelRuntime.DeviceChoice.CPU);
        manager = NDManager.newBaseManager(Device.cpu());
        Dataset data = SampleData.open("sample:fashion-test", model.manifest().input().shape());
        var in = model.manifest().input();
        one = data.batch(manager, 0, 1, in.mean(), in.std());
        eight = data.batch(manager, 0, CHUNK, in.mean(), in.std());
        labels = new int[CHUNK];
        for (int i = 0; i < CHUNK; i++) {
            labels[i] = data.label(i);
        }
        search = new PathSearch(model, FfnNeurons.of(model.manifest(), TokenMode.CLS), STEPS);
    }

    @TearDown(Level.Trial)
    public void close() {
        manager.close();
        model.close();
    }

    @Benchmark
    public double jasPerImage() {
        return path(one, new int[] {labels[0]});
    }

    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public double jasPerImageBatch8() {
        return path(eight, labels);
    }

    private double path(NDArray x, int[] targets) {
        try (NDManager call = manager.newSubManager()) {
            CleanPass clean = search.clean(call, x, targets);
            int[][][] p = search.searchJas(call, x, clean, 1, null);
            return search.score(call, x, clean, p, null)[0];
        }
    }
}
