package org.lamina.analysis.job;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that it either appears complete or not at all: the content goes to a
 * temporary file in the target's directory (same file system, so the final move is atomic) and
 * is moved over the target only when the writer returns normally. If the writer throws — a
 * failure, or {@link JobCancelledException} from a cancelled job — the temporary file is deleted
 * and any existing target is left untouched.
 *
 * <p>Two rules of issue #16 live here, so every writer in Lamina follows them: a target that
 * exists and is not a regular file (a symbolic link, a FIFO, a device, a folder) is refused, never
 * replaced; and the file is created with the user's umask (as {@code touch} would), not with the
 * owner-only mode of {@link Files#createTempFile}, so a colleague can read a shared cache or a
 * study protocol. An I/O failure is an {@link OutputException} naming the file and the reason.
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
        requireReplaceable(target);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = createTemporary(dir, target.getFileName().toString());
            writer.write(tmp);
            requireReplaceable(target);
            moveReplacing(tmp, target);
            tmp = null;
            return target;
        } catch (IOException e) {
            throw OutputException.cannotWrite(target, e);
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

    /**
     * Refuses a target path that holds something other than a regular file: replacing a symbolic
     * link would silently change what a colleague's link points to, writing to a FIFO or device
     * would hang or corrupt it, and a folder would be deleted.
     */
    public static void requireReplaceable(Path target) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new OutputException("refusing to replace " + target + ": it is " + kind(target)
                    + ", not a regular file; remove it or choose another output");
        }
    }

    /** What a non-regular path is, in words. */
    static String kind(Path path) {
        if (Files.isSymbolicLink(path)) {
            return "a symbolic link";
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return "a folder";
        }
        return "a special file (FIFO, socket or device)";
    }

    /** A new empty file next to the target, created with the user's umask (mode 0666 & ~umask). */
    static Path createTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".part");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Atomic rename where the file system allows it (it does within one folder). */
    static void moveReplacing(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
