package org.lamina.distributed;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import org.lamina.analysis.featurestore.StoreFolder;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A store folder at a URL ({@code hdfs://…}, {@code s3a://…}, {@code file:/…}), written through
 * Hadoop's file systems (issue #20): the driver checks and empties it with the core's rules
 * ({@code FeatureStoreWriter.prepare}) and writes the manifest last; each task uploads the parts
 * it wrote locally ({@link #upload}). Every file arrives under a hidden temporary name
 * ({@code .NAME.tmp-UUID}, skipped by Spark, pyarrow and DuckDB) and is renamed into place, so a
 * part or the manifest is whole or absent. On S3 a rename is a server-side copy: the bytes are
 * uploaded once.
 */
final class HadoopStoreFolder implements StoreFolder {

    private final Path dir;
    private final FileSystem fs;

    HadoopStoreFolder(String url, Configuration conf) throws IOException {
        Path p = new Path(url);
        FileSystem f = p.getFileSystem(conf);
        // file: URLs go to the raw local file system: the checksummed one leaves a .crc file
        // beside every part, which no store reader wants.
        this.fs = f instanceof LocalFileSystem local ? local.getRawFileSystem() : f;
        this.dir = fs.makeQualified(p);
    }

    /** The folder's qualified URL ({@code hdfs://namenode:8020/stores/x}). */
    String url() {
        return dir.toString();
    }

    @Override
    public Kind kind() throws IOException {
        try {
            return fs.getFileStatus(dir).isDirectory() ? Kind.FOLDER : Kind.OTHER;
        } catch (FileNotFoundException e) {
            return Kind.MISSING;
        }
    }

    @Override
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            names.add(s.getPath().getName());
        }
        return names;
    }

    @Override
    public boolean isFile(String name) throws IOException {
        try {
            return fs.getFileStatus(new Path(dir, name)).isFile();
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    @Override
    public void delete(String name) throws IOException {
        Path p = new Path(dir, name);
        if (!fs.delete(p, true) && fs.exists(p)) {
            throw new IOException("could not delete " + p);
        }
    }

    @Override
    public void create() throws IOException {
        if (!fs.mkdirs(dir)) {
            throw new IOException("could not create the folder " + dir);
        }
    }

    @Override
    public void write(String name, byte[] bytes) throws IOException {
        Path tmp = temporary(name);
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(bytes);
            }
            moveIntoPlace(tmp, name);
            tmp = null;
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public byte[] read(String name) throws IOException {
        try (java.io.InputStream in = fs.open(new Path(dir, name))) {
            return in.readAllBytes();
        }
    }

    /**
     * Copies the local file {@code local} into the folder as {@code name} (a task's part, written
     * by DuckDB to the executor's disk), replacing a file of that name: a re-run or speculative
     * task writes the same part again.
     */
    void upload(java.nio.file.Path local, String name) throws IOException {
        Path tmp = temporary(name);
        try {
            fs.copyFromLocalFile(false, true, new Path(local.toAbsolutePath().toUri()), tmp);
            moveIntoPlace(tmp, name);
            tmp = null;
        } finally {
            deleteQuietly(tmp);
        }
    }

    private Path temporary(String name) {
        return new Path(dir, "." + name + ".tmp-" + UUID.randomUUID());
    }

    /**
     * Renames {@code tmp} to {@code name}. Hadoop's rename does not replace an existing file (HDFS
     * returns false), so an old copy is removed first; a store has no manifest while its parts are
     * written, so no reader sees the moment the part is absent.
     */
    private void moveIntoPlace(Path tmp, String name) throws IOException {
        Path target = new Path(dir, name);
        if (fs.rename(tmp, target)) {
            return;
        }
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
            throw new IOException("could not rename " + tmp + " to " + target);
        }
    }

    private void deleteQuietly(Path tmp) {
        if (tmp == null) {
            return;
        }
        try {
            fs.delete(tmp, false);
        } catch (IOException ignored) {
            // A hidden leftover; the driver sweeps them after the job.
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
