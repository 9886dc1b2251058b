package org.lamina.analysis.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns what a user types for a model — a directory or {@code sample:NAME} — into a model
 * directory. Bundled samples live in {@code sample-models/} of the Lamina installation, found
 * from the {@code lamina.samples} system property, the {@code LAMINA_SAMPLES} environment
 * variable, or by walking up from the working directory.
 */
public final class ModelLocator {

    /** Prefix that names a bundled sample. */
    public static final String SAMPLE_PREFIX = "sample:";

    private ModelLocator() {
    }

    /** Resolves a model argument to a directory holding a {@code model.json}. */
    public static Path resolve(String argument) {
        if (argument.startsWith(SAMPLE_PREFIX)) {
            String name = argument.substring(SAMPLE_PREFIX.length());
            Path dir = samplesDirectory().resolve(name);
            if (name.isBlank() || name.contains("/") || !Files.isRegularFile(dir.resolve(ManifestReader.FILE_NAME))) {
                throw new ModelException("unknown sample model '" + name + "'; bundled samples: "
                        + sampleNames().stream().map(n -> SAMPLE_PREFIX + n).toList());
            }
            return dir;
        }
        Path dir = Path.of(argument);
        if (Files.isRegularFile(dir) && dir.getFileName().toString().equals(ManifestReader.FILE_NAME)) {
            dir = dir.getParent();
        }
        if (!Files.isDirectory(dir)) {
            throw new ModelException("model directory not found: " + dir.toAbsolutePath()
                    + " (give a directory with a model.json, or sample:NAME)");
        }
        return dir;
    }

    /** The bundled samples directory. */
    public static Path samplesDirectory() {
        String configured = System.getProperty("lamina.samples");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("LAMINA_SAMPLES");
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("sample-models");
            if (Files.isDirectory(candidate) && Files.exists(p.resolve("pom.xml"))) {
                return candidate.normalize();
            }
        }
        throw new ModelException("cannot find the bundled sample-models/ directory: run from the Lamina "
                + "checkout (./lamina sets it) or set LAMINA_SAMPLES");
    }

    /** Names of the bundled sample models (directories with a {@code model.json}). */
    public static List<String> sampleNames() {
        List<String> names = new ArrayList<>();
        Path root;
        try {
            root = samplesDirectory();
        } catch (ModelException e) {
            return names;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> Files.isRegularFile(d.resolve(ManifestReader.FILE_NAME)))
                    .map(d -> d.getFileName().toString()).sorted().forEach(names::add);
        } catch (IOException e) {
            return names;
        }
        return names;
    }
}
