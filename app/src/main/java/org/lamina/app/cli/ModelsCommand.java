package org.lamina.app.cli;

import org.lamina.analysis.model.ManifestReader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelManifest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code lamina models}: the bundled samples and any model directories given. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the bundled sample models (and any model directories given) with their test accuracy.")
final class ModelsCommand implements Runnable {

    @Parameters(paramLabel = "DIR", arity = "0..*", description = "Extra model directories to list.")
    List<String> directories = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public void run() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : ModelLocator.sampleNames()) {
            rows.add(row(ModelLocator.SAMPLE_PREFIX + name, ModelLocator.resolve(ModelLocator.SAMPLE_PREFIX + name)));
        }
        for (String d : directories) {
            rows.add(row(d, ModelLocator.resolve(d)));
        }
        if (json) {
            System.out.println(Json.write(Map.of("models", rows)));
            return;
        }
        System.out.printf("%-20s %-12s %-12s %-9s %s%n", "MODEL", "FORMAT", "ARCH", "ACCURACY", "DESCRIPTION");
        for (Map<String, Object> r : rows) {
            Object acc = r.get("testAccuracy");
            String description = String.valueOf(r.get("description"));
            System.out.printf("%-20s %-12s %-12s %-9s %s%n", r.get("model"), r.get("format"), r.get("architecture"),
                    acc == null ? "-" : String.format("%.2f%%", 100 * ((Number) acc).doubleValue()),
                    description.length() > 70 ? description.substring(0, 67) + "..." : description);
        }
    }

    private static Map<String, Object> row(String argument, Path dir) {
        ModelManifest m = ManifestReader.read(dir);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", argument);
        row.put("name", m.name());
        row.put("format", m.format());
        row.put("architecture", m.architecture());
        row.put("testAccuracy", m.recordedTestAccuracy().orElse(null));
        row.put("testData", m.training().get("testData"));
        row.put("description", m.description());
        row.put("path", dir.toString());
        return row;
    }
}
