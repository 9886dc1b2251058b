package org.lamina.analysis.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that it either appears complete or not at all: the content goes to a
 * temporary file in the target's directory (same file system, so the final move is atomic) and
 * is moved over the target only when the writer returns normally. If the writer throws — a
 * failure, or {@link JobCancelledException} from a cancelled job — the temporary file is deleted
 * and any existing target is left untouched.
 */
public final class AtomicOutput {

    private AtomicOutput() {
    }

    /** Writes to a temporary file, then what it wrote. */
    @FunctionalInterface
    public interface Writer {
        void write(Path temporary) throws IOException;
    }

    /** Writes {@code target} atomically with {@code writer}; returns {@code target}. */
    public static Path write(Path target, Writer writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Best effort: the .part name marks it as debris if it survives.
                }
            }
        }
    }
}
