package org.lamina.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A language model's forward through the runner (case {@code lm}, issue #18): token ids
 * {@code [batch, maxLength]} (batch 8 × 128 tokens by default) into the TorchScript decoder that
 * {@code bench/python/lm.prepare.sh} writes, logits {@code [batch, seq, vocab]} back. Python twin:
 * {@code bench/python/lm.py} (the same file and ids, {@code model(ids)} under no_grad).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LmBenchmark {

    @Param({"8"})
    public int batch;

    private ProbeableModel model;
    private NDManager manager;
    private NDArray ids;

    @Setup(Level.Trial)
    public void open() {
        ModelRuntime.goOffline();
        String dir = System.getenv("LAMINA_BENCH_INPUT");
        if (dir == null) {
            throw new IllegalStateException("LAMINA_BENCH_INPUT is not set: run through bench/compare.sh lm");
        }
        model = ModelLoader.open(Path.of(dir), Device.cpu());
        manager = NDManager.newBaseManager(Device.cpu());
        int vocab = model.manifest().languageModel().vocabSize();
        int seq = model.manifest().languageModel().maxLength();
        long[] values = new long[batch * seq];
        for (int i = 0; i < values.length; i++) {
            // The same ids as the Python side.
            values[i] = 4 + ((long) i * 7919) % (vocab - 4);
        }
        ids = manager.create(values, new Shape(batch, seq));
    }

    @TearDown(Level.Trial)
    public void close() {
        manager.close();
        model.close();
    }

    @Benchmark
    public float forward() {
        try (NDManager call = manager.newSubManager()) {
            return model.run(call, RunRequest.fromInput(ids).build()).logits().getFloat(0, 0, 0);
        }
    }
}
