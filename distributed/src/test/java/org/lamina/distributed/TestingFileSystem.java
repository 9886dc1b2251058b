package org.lamina.distributed;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The local disk under the scheme {@code testfs:} (issue #20's tests): Hadoop's
 * {@link RawLocalFileSystem} answers to {@code file:}, which Lamina would read as a plain file
 * path, so this subclass makes {@code testfs:///tmp/…} go through Hadoop's {@code FileSystem}
 * API as {@code hdfs://} or {@code s3a://} do, without a network. Configured with
 * {@code spark.hadoop.fs.testfs.impl}. Like HDFS, and unlike the local disk, it refuses to rename
 * onto an existing file. It records every successful rename, so a test can tell in which order
 * files came into place.
 */
public class TestingFileSystem extends RawLocalFileSystem {

    static final String SCHEME = "testfs";
    private static final URI NAME = URI.create(SCHEME + ":///");

    /** Local paths of the renames' destinations that succeeded, in order, across every instance. */
    static final List<String> RENAMED = Collections.synchronizedList(new ArrayList<>());

    @Override
    public URI getUri() {
        return NAME;
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(uri, conf);
        setConf(conf);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        // As HDFS: a rename onto an existing file fails (the local file system would replace it).
        if (pathToFile(dst).isFile()) {
            return false;
        }
        boolean renamed = super.rename(src, dst);
        if (renamed) {
            RENAMED.add(pathToFile(dst).getAbsolutePath());
        }
        return renamed;
    }

    /** The {@code testfs:} URL of a local path. */
    static String url(java.nio.file.Path p) {
        return SCHEME + "://" + p.toAbsolutePath().normalize();
    }
}
