package org.lamina.analysis.conceptdepth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.lamina.analysis.job.AtomicOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Files of a concept-depth run: {@code probe.json} (the {@link ProbeResult}), {@code probe.csv}
 * (one row per concept and point), {@code logit-lens.csv}, and with feature export one
 * {@code features-<concept>.npz} per concept: one float32 array {@code [rows, d]} per probe
 * point keyed by the point's name, {@code labels}, {@code controlLabels} (the control task's),
 * {@code items} (data-set indices), {@code trainIndex}/{@code testIndex} (row positions in
 * those arrays, of the first split) and {@code testMask} ({@code [K, rows]} int32, 1 where the row
 * is held out in split k). {@code probe.csv} has the mean metrics over the splits plus the
 * accuracy's std/min/max. Every file is written atomically.
 */
public final class ProbeFiles {

    private ProbeFiles() {
    }

    /** JSON mapper for {@code probe.json} (NaN written as NaN, which Python's json reads). */
    public static ObjectMapper mapper() {
        return JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Writes JSON and CSVs (and the feature NPZs when asked) into {@code dir}; returns the files. */
    public static List<Path> writeAll(ProbeResult r, Path dir, boolean exportFeatures) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        written.add(AtomicOutput.write(dir.resolve("probe.json"), tmp -> mapper().writeValue(tmp.toFile(), r)));
        written.add(AtomicOutput.write(dir.resolve("probe.csv"), tmp -> Files.writeString(tmp, csv(r), StandardCharsets.UTF_8)));
        if (r.logitLens() != null) {
            written.add(AtomicOutput.write(dir.resolve("logit-lens.csv"),
                    tmp -> Files.writeString(tmp, lensCsv(r.logitLens()), StandardCharsets.UTF_8)));
        }
        if (exportFeatures) {
            if (r.features() == null) {
                throw new IllegalStateException("this result carries no features (read from a file?)");
            }
            for (ConceptProbeResult c : r.concepts()) {
                Path f = dir.resolve("features-" + fileName(c.name()) + ".npz");
                written.add(AtomicOutput.write(f, tmp -> {
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        writeFeatures(r, c.name(), out);
                    }
                }));
            }
        }
        return written;
    }

    /** Reads a {@code probe.json} (features and splits are not in it). */
    public static ProbeResult read(Path file) throws IOException {
        return mapper().readValue(file.toFile(), ProbeResult.class);
    }

    /** A concept name made safe for a file name. */
    public static String fileName(String concept) {
        return concept.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static void writeFeatures(ProbeResult r, String concept, OutputStream out) throws IOException {
        LayerFeatures f = r.features();
        List<TrainTestSplit> splits = r.splits().get(concept);
        TrainTestSplit split = splits.get(0);
        int[] items = r.conceptItems(concept);
        int[] labels = r.conceptLabels(concept);
        int[] rows = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            rows[i] = f.row(items[i]);
        }
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDList list = new NDList();
            for (int p = 0; p < f.points().size(); p++) {
                NDArray a = m.create(f.gather(p, rows), new Shape(rows.length, f.dimensions()[p]));
                a.setName(f.points().get(p));
                list.add(a);
            }
            list.add(named(m.create(labels), "labels"));
            int positives = java.util.Arrays.stream(labels).sum();
            list.add(named(m.create(ControlTask.labels(items, positives, r.parameters().seed())), "controlLabels"));
            list.add(named(m.create(items), "items"));
            list.add(named(m.create(split.train()), "trainIndex"));
            list.add(named(m.create(split.test()), "testIndex"));
            int[][] mask = new int[splits.size()][items.length];
            for (int k = 0; k < splits.size(); k++) {
                for (int row : splits.get(k).test()) {
                    mask[k][row] = 1;
                }
            }
            list.add(named(m.create(mask), "testMask"));
            list.encode(out, NDList.Encoding.NPZ);
        }
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    static String csv(ProbeResult r) {
        StringBuilder s = new StringBuilder("model,concept,point,layer,relative_depth,acc,f1,auc,train_acc,control_acc,selectivity,"
                + "acc_std,acc_min,acc_max,splits\n");
        for (ConceptProbeResult c : r.concepts()) {
            int n = c.points().size();
            for (int k = 0; k < n; k++) {
                s.append(r.model()).append(',').append(c.name()).append(',').append(c.points().get(k)).append(',')
                        .append(k).append(',').append(num(r.relativeDepth(k))).append(',').append(num(c.acc()[k])).append(',')
                        .append(num(c.f1()[k])).append(',').append(num(c.auc()[k])).append(',').append(num(c.trainAcc()[k]))
                        .append(',').append(num(c.controlAcc()[k])).append(',').append(num(c.selectivity()[k]))
                        .append(',').append(num(c.accStd() == null ? Double.NaN : c.accStd()[k]))
                        .append(',').append(num(c.accMin() == null ? Double.NaN : c.accMin()[k]))
                        .append(',').append(num(c.accMax() == null ? Double.NaN : c.accMax()[k]))
                        .append(',').append(c.splitAcc() == null ? 1 : c.splitAcc().length).append('\n');
            }
        }
        return s.toString();
    }

    static String lensCsv(LogitLensResult l) {
        StringBuilder s = new StringBuilder("point,layer,kl_to_final_nats,top1_agreement,top5_overlap\n");
        for (int k = 0; k < l.points().size(); k++) {
            s.append(l.points().get(k)).append(',').append(k).append(',').append(num(l.kl()[k])).append(',')
                    .append(num(l.top1Agreement()[k])).append(',').append(num(l.top5Overlap()[k])).append('\n');
        }
        return s.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
