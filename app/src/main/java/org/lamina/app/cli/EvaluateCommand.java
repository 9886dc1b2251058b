package org.lamina.app.cli;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.evaluate.Evaluation;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ProbeableModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code lamina evaluate MODEL --data …}: accuracy, per-class accuracy, confusion matrix. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Accuracy of a model on a labelled data set: overall, per class, and the confusion matrix.")
final class EvaluateCommand implements Runnable {

    @Parameters(paramLabel = "MODEL", description = "Model directory or sample:NAME.")
    String model;

    @Option(names = "--data",
            description = "sample:fashion-test|fashion-train|mnist-test|mnist-train, or an image folder "
                    + "(one sub-folder per class, named after the model's labels). Default: the model's own test set "
                    + "(model.json training.testData); required when it records none.")
    String data;

    @Option(names = "--labels", paramLabel = "MAP.csv",
            description = "Class of each sub-folder of an image folder: lines 'folder,label' (label = a model label or index); or ImageNet's LOC_synset_mapping.txt for WordNet-id folders.")
    Path labels;

    @Option(names = "--json", description = "Print JSON (accuracy, perClassAccuracy, confusion).")
    boolean json;

    @Mixin
    DeviceOption device;

    @Override
    public void run() {
        try (ProbeableModel m = ModelLoader.open(model, device.choice())) {
            String ref = ModelDataSets.testOr(data, m.manifest(), "--data");
            Dataset d = SampleData.open(ref, m.manifest().input(), m.manifest().labels(), labels);
            Evaluation e = Evaluation.run(m, d, done -> { });
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("model", e.model());
                out.put("sha256", m.weightsSha256());
                out.put("data", e.data());
                out.put("labelMapping", d.labelMapping());
                out.put("samples", e.samples());
                out.put("accuracy", e.accuracy());
                out.put("recordedAccuracy", m.manifest().recordedTestAccuracy().orElse(null));
                out.put("labels", e.labels());
                out.put("perClassAccuracy", e.perClassAccuracy());
                out.put("confusion", e.confusion());
                out.put("device", m.device().toString());
                System.out.println(Json.write(out));
                return;
            }
            System.out.printf("%s on %s (%d samples): accuracy %.2f%%%n", e.model(), e.data(), e.samples(), 100 * e.accuracy());
            System.out.printf("  labels: %s%n", d.labelMapping());
            m.manifest().recordedTestAccuracy().ifPresent(a ->
                    System.out.printf("  recorded at training: %.2f%%%n", 100 * a));
            for (int c = 0; c < e.labels().size(); c++) {
                System.out.printf("  %-14s %6.2f%%%n", e.labels().get(c), 100 * e.perClassAccuracy()[c]);
            }
            System.out.println("  confusion (rows: true class, columns: predicted):");
            for (int[] row : e.confusion()) {
                StringBuilder sb = new StringBuilder("   ");
                for (int v : row) {
                    sb.append(String.format(" %4d", v));
                }
                System.out.println(sb);
            }
        }
    }
}
