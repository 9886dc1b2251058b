package org.lamina.distributed;

import org.apache.hadoop.conf.Configuration;

import org.lamina.analysis.data.ItemStorage;
import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.FeatureStoreException;
import org.lamina.analysis.featurestore.PartWriter;
import org.lamina.analysis.featurestore.StoreFolder;
import org.lamina.analysis.featurestore.StoreManifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a task's parts go (issue #20). A store folder given as a path (shared storage, or the
 * local disk in local mode) gets each part straight from {@link PartWriter}, as on one machine. A
 * store at a URL gets each part written by the same {@link PartWriter} to the executor's temporary
 * folder and then copied through Hadoop's file systems ({@link HadoopStoreFolder#upload}, hidden
 * name then rename), so the part is the same file either way, whole or absent.
 */
interface PartTarget extends AutoCloseable {

    /** Writes {@code chunk} with {@code writer} as part {@code name} of the store. */
    StoreManifest.Part write(PartWriter writer, FeatureChunk chunk, String name);

    /** The store folder itself, for the small side files a task leaves for the driver. */
    StoreFolder folder();

    /** Removes what the target keeps on the executor; the parts written stay. */
    @Override
    void close();

    /** The target for the store at {@code store}, a path or a URL read with {@code conf}. */
    static PartTarget of(String store, Configuration conf) {
        if (!ItemStorage.isUrl(store)) {
            Path dir = Path.of(store);
            StoreFolder local = StoreFolder.local(dir);
            return new PartTarget() {
                @Override
                public StoreFolder folder() {
                    return local;
                }

                @Override
                public StoreManifest.Part write(PartWriter writer, FeatureChunk chunk, String name) {
                    return writer.write(chunk, dir.resolve(name));
                }

                @Override
                public void close() {
                }
            };
        }
        HadoopStoreFolder folder;
        Path local;
        try {
            folder = new HadoopStoreFolder(store, conf);
            // java.io.tmpdir: on a Spark executor, the worker's scratch folder unless set otherwise.
            local = Files.createTempDirectory("lamina-parts-");
        } catch (IOException e) {
            throw new FeatureStoreException("cannot prepare writing parts to " + store + ": " + e.getMessage(), e);
        }
        return new PartTarget() {
            @Override
            public StoreFolder folder() {
                return folder;
            }

            @Override
            public StoreManifest.Part write(PartWriter writer, FeatureChunk chunk, String name) {
                Path file = local.resolve(name);
                try {
                    StoreManifest.Part part = writer.write(chunk, file);
                    folder.upload(file, name);
                    return part;
                } catch (IOException e) {
                    throw new FeatureStoreException("cannot copy the feature-store part " + name + " to " + folder
                            + ": " + e.getMessage(), e);
                } finally {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // Removed with the folder at close.
                    }
                }
            }

            @Override
            public void close() {
                try (var s = Files.list(local)) {
                    for (Path f : s.toList()) {
                        Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(local);
                } catch (IOException ignored) {
                    // Scratch space on the executor; the parts themselves are in the store.
                }
            }
        };
    }
}
