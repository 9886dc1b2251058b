package org.lamina.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.Objective;
import org.lamina.analysis.model.ProbePoint;
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

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The model runner (case {@code runner}): plain forward, forward capturing every probe point,
 * and forward + backward of a class probability to a probe point, per model and batch size.
 * Python twin: {@code bench/python/runner.py}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RunnerBenchmark {

    @Param({"sample:fashion-cnn", "sample:fashion-vit"})
    public String model;

    @Param({"1", "32", "256"})
    public int batch;

    private ProbeableModel probeable;
    private NDManager manager;
    private NDArray input;
    private String gradientPoint;

    @Setup(Level.Trial)
    public void open() {
        ModelRuntime.goOffline();
        probeable = ModelLoader.open(model, ModelRuntime.DeviceChoice.CPU);
        manager = NDManager.newBaseManager(Device.cpu());
        long[] shape = probeable.manifest().input().shape();
        long[] full = new long[shape.length + 1];
        full[0] = batch;
        System.arraycopy(shape, 0, full, 1, shape.length);
        float[] values = new float[(int) new Shape(full).size()];
        Random random = new Random(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        input = manager.create(values, new Shape(full));
        // The gradient target: the middle startable point (a CNN stage / a ViT residual block).
        List<ProbePoint> startable = probeable.probePoints().stream().filter(ProbePoint::startable).toList();
        gradientPoint = startable.get(startable.size() / 2).name();
    }

    @TearDown(Level.Trial)
    public void close() {
        manager.close();
        probeable.close();
    }

    @Benchmark
    public float forward() {
        try (NDManager call = manager.newSubManager()) {
            return probeable.run(call, RunRequest.fromInput(input).build()).logits().getFloat(0, 0);
        }
    }

    @Benchmark
    public float forwardCaptureAll() {
        try (NDManager call = manager.newSubManager()) {
            var t = probeable.run(call, RunRequest.fromInput(input).captureAll().build());
            return t.logits().getFloat(0, 0) + t.activations().size();
        }
    }

    @Benchmark
    public float forwardBackwardToPoint() {
        try (NDManager call = manager.newSubManager()) {
            var t = probeable.run(call, RunRequest.fromInput(input).objective(Objective.classProbability(0))
                    .gradientAt(gradientPoint).build());
            return t.gradient(gradientPoint).sum().getFloat();
        }
    }
}
