package org.lamina.bench;

import ai.djl.Device;

import org.lamina.analysis.conceptdepth.FeatureExtractor;
import org.lamina.analysis.conceptdepth.LayerFeatures;
import org.lamina.analysis.conceptdepth.Precision;
import org.lamina.analysis.conceptdepth.TextConceptData;
import org.lamina.analysis.conceptdepth.TextFeatureExtractor;
import org.lamina.analysis.conceptdepth.TokenPooling;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Case {@code lmprobe} (issue #19): concept-depth features of a decoder LM — every text of
 * {@code $LAMINA_BENCH_INPUT/texts.txt} (512 sentences, {@code bench/python/lmprobe.prepare.sh})
 * tokenised, run in length-sorted right-padded batches sized to the memory budget, each default
 * point (embed, blocks.i) read at the last real token by the runner ({@link TextFeatureExtractor}).
 * Python twin: {@code bench/python/lmprobe.py}, the Concept-Depth repository's loop (a forward
 * per batch with every hidden state, last token gathered) on the same TorchScript file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LmprobeBenchmark {

    @Param({"sample:tiny-llama"})
    public String model;

    private ProbeableModel lm;
    private TextConceptData data;
    private int[] items;
    private List<String> points;

    @Setup(Level.Trial)
    public void open() throws Exception {
        ModelRuntime.goOffline();
        String dir = System.getenv("LAMINA_BENCH_INPUT");
        if (dir == null) {
            throw new IllegalStateException("LAMINA_BENCH_INPUT is not set: run through bench/compare.sh lmprobe");
        }
        lm = ModelLoader.open(ModelLocator.resolve(model), Device.cpu());
        List<String> texts = Files.readAllLines(Path.of(dir, "texts.txt")).stream().filter(t -> !t.isBlank()).toList();
        data = new TextConceptData("bench", texts);
        items = IntStream.range(0, texts.size()).toArray();
        points = FeatureExtractor.resolvePoints(lm.manifest(), "layers");
    }

    @TearDown(Level.Trial)
    public void close() {
        lm.close();
    }

    @Benchmark
    public float extract() {
        LayerFeatures f = TextFeatureExtractor.extract(lm, data, items, points,
                new FeatureExtractor.Options(TokenPooling.LAST, 0, Precision.FP32, 42), ProgressSink.none());
        return f.values().get(0)[0];
    }
}
