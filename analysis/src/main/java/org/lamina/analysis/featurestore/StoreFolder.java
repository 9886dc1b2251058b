package org.lamina.analysis.featurestore;

import org.lamina.analysis.job.AtomicOutput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder a store is written into, as the writer of the folder's layout sees it (issue #20):
 * whether it exists, the names in it, removing them, and writing one whole file. On one machine it
 * is a local folder ({@link #local}); the Spark extraction writes a store at an {@code hdfs://} or
 * {@code s3a://} URL through an implementation over Hadoop's file systems, so the rules of
 * {@link FeatureStoreWriter#prepare(StoreFolder, boolean)} (refuse a non-empty folder that is no
 * store, replace a store only when asked, its manifest first) and the manifest's content are the
 * same code wherever the store lies.
 */
public interface StoreFolder {

    /** What is at the folder's location. */
    enum Kind { MISSING, FOLDER, OTHER }

    /** What is at the folder's location now. */
    Kind kind() throws IOException;

    /** Names of the entries directly inside the folder (files and sub-folders). */
    List<String> list() throws IOException;

    /** Whether entry {@code name} is a regular file. */
    boolean isFile(String name) throws IOException;

    /** Removes entry {@code name}, a sub-folder with all it holds. */
    void delete(String name) throws IOException;

    /** Creates the folder (and missing parents); nothing when it exists. */
    void create() throws IOException;

    /** Writes {@code bytes} as entry {@code name}, whole or not at all (temporary name, then rename). */
    void write(String name, byte[] bytes) throws IOException;

    /** The bytes of file {@code name} (a small one: a task's identity records). */
    byte[] read(String name) throws IOException;

    /** The folder's location, for messages. */
    @Override
    String toString();

    /** A local folder, through {@code java.nio}. */
    static StoreFolder local(Path dir) {
        return new StoreFolder() {

            @Override
            public Kind kind() {
                if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    return Kind.MISSING;
                }
                // A link, even to a folder, is not the store's folder: emptying it would empty
                // whatever it points to.
                return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? Kind.FOLDER : Kind.OTHER;
            }

            @Override
            public List<String> list() throws IOException {
                try (Stream<Path> s = Files.list(dir)) {
                    return s.map(f -> f.getFileName().toString()).toList();
                }
            }

            @Override
            public boolean isFile(String name) {
                return Files.isRegularFile(dir.resolve(name));
            }

            @Override
            public void delete(String name) throws IOException {
                deleteRecursively(dir.resolve(name));
            }

            private static void deleteRecursively(Path f) throws IOException {
                if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> s = Files.list(f)) {
                        for (Path c : s.toList()) {
                            deleteRecursively(c);
                        }
                    }
                }
                Files.delete(f);
            }

            @Override
            public void create() throws IOException {
                Files.createDirectories(dir);
            }

            @Override
            public void write(String name, byte[] bytes) {
                AtomicOutput.write(dir.resolve(name), tmp -> Files.write(tmp, bytes));
            }

            @Override
            public byte[] read(String name) throws IOException {
                return Files.readAllBytes(dir.resolve(name));
            }

            @Override
            public String toString() {
                return dir.toString();
            }
        };
    }
}
