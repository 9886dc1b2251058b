package org.lamina.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.model.MemoryBudget;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Case {@code neuronpathvit}: the {@code neuronpath} case at ViT-B/16 shapes (12 blocks × 3,072
 * neurons, 197 tokens): the neuron path of one 224 × 224 image — clean pass, layer-progressive JAS
 * search, path score JAS(P) — on the random-weight ViT-B/16 of
 * {@code bench/python/neuronpathvit.prepare.sh} ({@code $LAMINA_BENCH_INPUT}). m =
 * {@code LAMINA_BENCH_NP_STEPS} (default 20), runs cut to the memory budget
 * {@code LAMINA_BENCH_NP_MEMORY} (default 4g). Python twin: {@code bench/python/neuronpathvit.py}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NeuronpathvitBenchmark {

    private ProbeableModel model;
    private NDManager manager;
    private PathSearch search;
    private NDArray x;
    private int label;

    @Setup(Level.Trial)
    public void open() {
        ModelRuntime.goOffline();
        Path dir = Path.of(System.getenv().getOrDefault("LAMINA_BENCH_INPUT", "."));
        model = ModelLoader.open(dir.resolve("vit-b16").toString(), ModelRuntime.DeviceChoice.CPU);
        manager = NDManager.newBaseManager(Device.cpu());
        var m = model.manifest();
        Dataset data = SampleData.open(dir.resolve("images").toString(), m.input().shape(), m.labels(), null);
        x = data.batch(manager, 0, 1, m.input().mean(), m.input().std());
        label = data.label(0);
        int steps = Integer.parseInt(System.getenv().getOrDefault("LAMINA_BENCH_NP_STEPS", "20"));
        long budget = MemoryBudget.parse(System.getenv().getOrDefault("LAMINA_BENCH_NP_MEMORY", "4g"), "LAMINA_BENCH_NP_MEMORY");
        search = PathSearch.withinBudget(model, FfnNeurons.of(m, TokenMode.CLS), steps, budget);
    }

    @TearDown(Level.Trial)
    public void close() {
        manager.close();
        model.close();
    }

    @Benchmark
    public double jasPerImage() {
        try (NDManager call = manager.newSubManager()) {
            CleanPass clean = search.clean(call, x, new int[] {label});
            int[][][] p = search.searchJas(call, x, clean, 1, null);
            return search.score(call, x, clean, p, null)[0];
        }
    }
}
