package org.lamina.analysis.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the items of an {@link ImageListDataset} are read from (issue #20): the list and each
 * image are a <em>location</em>, a string this storage resolves, opens and describes. On one
 * machine that is a file path read with {@code java.nio} ({@link #LOCAL}); the Spark extraction
 * supplies a storage that reads URLs ({@code hdfs://}, {@code s3a://}, …) through Hadoop's file
 * systems, which this module does not depend on.
 *
 * <p>Whatever the storage, a data set's content identity ({@link DatasetIdentity}) is made of the
 * same fields (folder and file name, size, modification time in milliseconds, SHA-256 of the
 * bytes), so the same images give the same identity read either way.
 */
public interface ItemStorage {

    /**
     * A location that names a scheme ({@code hdfs://…}, {@code file:/…}) rather than a plain path;
     * two letters at least, so a Windows drive ({@code C:/}) is a path.
     */
    Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:/.*");

    /** Whether {@code location} is a URL ({@link #URL}). */
    static boolean isUrl(String location) {
        return URL.matcher(location).matches();
    }

    /** Size and modification time of one item, the fields of its identity besides its bytes. */
    record Attributes(long size, long modifiedMillis) {
    }

    /**
     * The location of {@code entry}, a line of the list at {@code list}: a relative entry against
     * the list's folder, an absolute one as it is.
     *
     * @throws DataException when {@code entry} is no location this storage reads
     */
    String resolve(String list, String entry);

    /** Size and modification time of {@code location}. */
    Attributes attributes(String location) throws IOException;

    /** The bytes of {@code location}, streamed. */
    InputStream open(String location) throws IOException;

    /** All bytes of {@code location} (an image, a list). */
    default byte[] readAllBytes(String location) throws IOException {
        try (InputStream in = open(location)) {
            return in.readAllBytes();
        }
    }

    /**
     * The last two names of {@code location}'s path, {@code folder/file} (or {@code file} at the
     * root): what the content identity records of where an item lies, the same for a file and for
     * a URL of the same folder and name.
     */
    String identityName(String location);

    /** The last name of {@code location}'s path ({@code list.txt}). */
    String fileName(String location);

    /**
     * Local files and mounted shared storage, through {@code java.nio}: a location is a file path.
     * URLs are refused with the message {@code lamina extract} has always given.
     */
    ItemStorage LOCAL = new ItemStorage() {

        /** The last list and its folder: a list of 1.28 M lines finds its folder once, not per line. */
        private volatile Map.Entry<String, Path> lastList = Map.entry("", Path.of(""));

        private Path folder(String list) {
            Map.Entry<String, Path> last = lastList;
            if (!last.getKey().equals(list) || last.getKey().isEmpty()) {
                last = Map.entry(list, Path.of(list).toAbsolutePath().getParent());
                lastList = last;
            }
            return last.getValue();
        }

        @Override
        public String resolve(String list, String entry) {
            if (isUrl(entry)) {
                throw new DataException("'" + entry + "' is a URL; Lamina reads images from local or mounted "
                        + "shared storage only. Mount it (e.g. NFS, or a FUSE mount of the bucket) and list file paths");
            }
            try {
                return folder(list).resolve(entry).normalize().toString();
            } catch (InvalidPathException e) {
                throw new DataException("'" + entry + "' is not a valid file path: " + e.getMessage(), e);
            }
        }

        @Override
        public Attributes attributes(String location) throws IOException {
            BasicFileAttributes a = Files.readAttributes(Path.of(location), BasicFileAttributes.class);
            return new Attributes(a.size(), a.lastModifiedTime().toMillis());
        }

        @Override
        public InputStream open(String location) throws IOException {
            return Files.newInputStream(Path.of(location));
        }

        @Override
        public byte[] readAllBytes(String location) throws IOException {
            return Files.readAllBytes(Path.of(location));
        }

        @Override
        public String identityName(String location) {
            Path f = Path.of(location);
            Path parent = f.getParent() == null ? null : f.getParent().getFileName();
            return (parent == null ? "" : parent + "/") + f.getFileName();
        }

        @Override
        public String fileName(String location) {
            return Path.of(location).getFileName().toString();
        }

        @Override
        public String toString() {
            return "local files";
        }
    };
}
