package org.lamina.distributed;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

import org.lamina.analysis.data.DataException;
import org.lamina.analysis.data.ItemStorage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The items of a Spark extraction's list, read through Hadoop's file systems (issue #20): a
 * location with a scheme ({@code hdfs://nn/imagenet/train/n01440764/x.JPEG}, {@code s3a://…},
 * {@code file:/…}) is opened with the {@link FileSystem} that Spark's Hadoop configuration maps
 * the scheme to; a plain path is a local or mounted file read with {@code java.nio}, exactly as on
 * one machine ({@link ItemStorage#LOCAL}), so a list of plain paths gives the same rows and the
 * same content identity as before. A relative line of a list at a URL is resolved against the
 * list's folder URL; an absolute path line keeps the list's scheme and authority.
 */
final class HadoopItemStorage implements ItemStorage {

    private final Configuration conf;
    /** The last list's folder: a list of 1.28 M lines parses its own URL once, not per line. */
    private volatile ListFolder lastList;

    private record ListFolder(String list, org.apache.hadoop.fs.Path folder) {
    }

    HadoopItemStorage(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public String resolve(String list, String entry) {
        if (!ItemStorage.isUrl(list) && !ItemStorage.isUrl(entry)) {
            return LOCAL.resolve(list, entry);
        }
        try {
            org.apache.hadoop.fs.Path p = ItemStorage.isUrl(entry) ? new org.apache.hadoop.fs.Path(entry)
                    : new org.apache.hadoop.fs.Path(folder(list), entry);
            if (p.toUri().getScheme() == null) {
                throw new DataException("'" + entry + "' names no file system (expected a URL such as hdfs://… or a path)");
            }
            return p.toString();
        } catch (IllegalArgumentException e) {
            throw new DataException("'" + entry + "' is not a valid path or URL: " + e.getMessage(), e);
        }
    }

    private org.apache.hadoop.fs.Path folder(String list) {
        ListFolder last = lastList;
        if (last == null || !last.list().equals(list)) {
            last = new ListFolder(list, new org.apache.hadoop.fs.Path(list).getParent());
            lastList = last;
        }
        return last.folder();
    }

    @Override
    public Attributes attributes(String location) throws IOException {
        if (!ItemStorage.isUrl(location)) {
            return LOCAL.attributes(location);
        }
        FileStatus s = status(location);
        if (!s.isFile()) {
            throw new FileNotFoundException(location + " is a folder, not a file");
        }
        return new Attributes(s.getLen(), s.getModificationTime());
    }

    @Override
    public InputStream open(String location) throws IOException {
        if (!ItemStorage.isUrl(location)) {
            return LOCAL.open(location);
        }
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
        return p.getFileSystem(conf).open(p);
    }

    @Override
    public byte[] readAllBytes(String location) throws IOException {
        return ItemStorage.isUrl(location) ? ItemStorage.super.readAllBytes(location) : LOCAL.readAllBytes(location);
    }

    @Override
    public String identityName(String location) {
        if (!ItemStorage.isUrl(location)) {
            return LOCAL.identityName(location);
        }
        // The last two names of the URL's path, as LOCAL takes them of a file path.
        String path = new org.apache.hadoop.fs.Path(location).toUri().getPath();
        String[] names = path.split("/");
        String file = names.length == 0 ? "" : names[names.length - 1];
        String parent = names.length < 2 ? "" : names[names.length - 2];
        return parent.isEmpty() ? file : parent + "/" + file;
    }

    @Override
    public String fileName(String location) {
        return ItemStorage.isUrl(location) ? new org.apache.hadoop.fs.Path(location).getName()
                : LOCAL.fileName(location);
    }

    private FileStatus status(String location) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
        // FileSystem.get caches one instance per scheme and authority: never closed here.
        return p.getFileSystem(conf).getFileStatus(p);
    }

    @Override
    public String toString() {
        return "Hadoop file systems";
    }
}
