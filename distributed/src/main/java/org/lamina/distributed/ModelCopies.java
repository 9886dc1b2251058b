package org.lamina.distributed;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import org.lamina.analysis.model.ModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A model folder given as a URL ({@code hdfs://…/models/vit-b16}), copied once per JVM — the
 * driver, each executor — to a local temporary folder that the model is opened from (issue #20):
 * DJL and Lamina's loader open models from files. The copy goes when the JVM ends. Its weights are
 * hashed as any model's, so the store's manifest records the same hashes as for a local folder.
 */
final class ModelCopies {

    private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

    private ModelCopies() {
    }

    /** The local copy of the model folder at {@code url}, made on first use in this JVM. */
    static Path local(String url, Configuration conf) {
        // computeIfAbsent: the tasks of one executor wait for one copy instead of making several.
        return COPIES.computeIfAbsent(url, u -> copy(u, conf));
    }

    private static Path copy(String url, Configuration conf) {
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(url);
        try {
            FileSystem fs = src.getFileSystem(conf);
            if (!fs.getFileStatus(src).isDirectory()) {
                throw new ModelException("MODEL " + url + " is not a folder (give the folder that holds model.json)");
            }
            Path tmp = Files.createTempDirectory("lamina-model-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(tmp), "lamina-model-copy-cleanup"));
            Path dst = tmp.resolve(src.getName().isEmpty() ? "model" : src.getName());
            // dst does not exist, so the folder's content lands in it (not in dst/NAME).
            fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(dst.toUri()), true);
            return dst;
        } catch (java.io.FileNotFoundException e) {
            throw new ModelException("MODEL " + url + ": no such folder", e);
        } catch (IOException e) {
            throw new ModelException("cannot copy the model folder " + url + " to this machine: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // Temporary space; the system's cleaner takes what is left.
        }
    }
}
