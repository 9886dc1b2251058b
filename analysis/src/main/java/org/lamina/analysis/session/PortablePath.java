package org.lamina.analysis.session;

import org.lamina.analysis.model.ModelLocator;

import java.nio.file.Path;

/**
 * Paths in session files that survive a move to another checkout: a file inside the bundled
 * {@code sample-models/} directory is written as {@code samples:RELATIVE/PATH}, anything else as
 * an absolute path.
 */
public final class PortablePath {

    /** Prefix of a path relative to the bundled samples directory. */
    public static final String SAMPLES_PREFIX = "samples:";

    private PortablePath() {
    }

    /** The portable form of a path. */
    public static String of(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        try {
            Path samples = ModelLocator.samplesDirectory();
            if (abs.startsWith(samples)) {
                return SAMPLES_PREFIX + samples.relativize(abs).toString().replace('\\', '/');
            }
        } catch (RuntimeException e) {
            // No samples directory here: absolute paths only.
        }
        return abs.toString();
    }

    /** The path a portable form names. */
    public static Path resolve(String portable) {
        if (portable.startsWith(SAMPLES_PREFIX)) {
            return ModelLocator.samplesDirectory().resolve(portable.substring(SAMPLES_PREFIX.length())).normalize();
        }
        return Path.of(portable);
    }
}
