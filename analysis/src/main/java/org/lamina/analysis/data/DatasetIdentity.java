package org.lamina.analysis.data;

import org.lamina.analysis.model.ImagePreprocessing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The content identity of a data set ({@link Dataset#contentIdentity()}): a SHA-256 over what it
 * holds, never over its name, so that two different sets with the same folder name and count
 * differ and a set edited in place is a new set. Every identity also covers the labels, the class
 * names and the sample shape, because a cached result depends on all three (an image folder's
 * labels come from a folder-to-class mapping; its samples are resized to the model's shape).
 *
 * <p>What is hashed for the samples depends on the kind of set:
 * <ul>
 *   <li>{@link #ofSamples}: the decoded values themselves (the default, for sets held only in
 *       memory);</li>
 *   <li>{@link #ofBytes}: the decoded bytes of an IDX file (not the file, so gzip or not is the
 *       same set);</li>
 *   <li>{@link #ofImageFiles}: every image file's path relative to the set's root
 *       ({@code class/file.png}), size, modification time and the SHA-256 of its bytes, in the
 *       set's order, and the model's recorded preprocessing when there is one (the samples are
 *       made with it). The bytes are hashed on every identity (once per opened set, streamed one
 *       file at a time, nothing decoded or kept), so a file edited in place is caught even when
 *       its size and time were restored; reading the files costs less than decoding them.</li>
 * </ul>
 */
public final class DatasetIdentity {

    private static final String VERSION = "lamina-dataset-identity/1";

    private DatasetIdentity() {
    }

    /** Identity of an in-memory set from its decoded samples. */
    public static String ofSamples(Dataset data) {
        MessageDigest md = start("samples", data);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.size(); i++) {
            float[] s = data.sample(i);
            int at = 0;
            while (at < s.length) {
                int n = Math.min(s.length - at, buf.remaining() / Float.BYTES);
                buf.asFloatBuffer().put(s, at, n);
                buf.position(buf.position() + n * Float.BYTES);
                at += n;
                if (!buf.hasRemaining()) {
                    md.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
            }
        }
        md.update(buf.array(), 0, buf.position());
        return HexFormat.of().formatHex(md.digest());
    }

    /** Identity of a set whose samples are the given raw bytes (e.g. an IDX file's data and dimensions). */
    public static String ofBytes(Dataset data, int[] dims, byte[] values) {
        MessageDigest md = start("bytes", data);
        for (int d : dims) {
            text(md, Integer.toString(d));
        }
        md.update(values);
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Identity of a set decoded from image files, one per sample in the set's order.
     *
     * @throws DataException when a file can no longer be read
     */
    public static String ofImageFiles(Dataset data, List<Path> files) {
        return ofImageFiles(data, files, ImagePreprocessing.STRETCH);
    }

    /**
     * As {@link #ofImageFiles(Dataset, List)}, for samples made with {@code preprocessing}; the
     * identity is the same as without it when none is recorded.
     */
    public static String ofImageFiles(Dataset data, List<Path> files, ImagePreprocessing preprocessing) {
        return ofImageItems(data, files.stream().map(Path::toString).toList(), ItemStorage.LOCAL, preprocessing);
    }

    /**
     * As {@link #ofImageFiles(Dataset, List, ImagePreprocessing)} for images at {@code locations}
     * read through {@code storage}: the same fields, so the same images give the same identity
     * whether read as files or through Hadoop's file systems (the Spark extraction, issue #20).
     */
    public static String ofImageItems(Dataset data, List<String> locations, ItemStorage storage,
                                      ImagePreprocessing preprocessing) {
        MessageDigest md = startImageItems(data, locations.size(), preprocessing);
        for (String f : locations) {
            md.update(imageItemRecord(f, storage));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The identity of an image set from its items' records ({@link #imageItemRecord}), given in
     * item order in as many pieces as convenient: the same identity as {@link #ofImageItems}, whose
     * digest takes the same bytes. The Spark extraction has each task make the records of its own
     * items (it reads those files anyway) instead of the driver reading every file.
     *
     * @param items how many items the pieces hold together
     */
    public static String ofImageItemRecords(Dataset data, int items, ImagePreprocessing preprocessing,
                                            Iterable<byte[]> pieces) {
        MessageDigest md = startImageItems(data, items, preprocessing);
        for (byte[] piece : pieces) {
            md.update(piece);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * What the identity takes of one image: its folder and file name, size, modification time
     * and the SHA-256 of its bytes, each length-prefixed (the bytes the digest is fed).
     */
    public static byte[] imageItemRecord(String location, ItemStorage storage) {
        ItemStorage.Attributes a;
        try {
            a = storage.attributes(location);
        } catch (IOException e) {
            throw new DataException(location + ": cannot read to identify the data set: " + e.getMessage(), e);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(128);
        for (String field : new String[] {storage.identityName(location), Long.toString(a.size()),
                Long.toString(a.modifiedMillis()), sha256(location, storage)}) {
            byte[] b = field.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(b.length).array());
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static MessageDigest startImageItems(Dataset data, int items, ImagePreprocessing preprocessing) {
        MessageDigest md = start("image-files", data);
        if (preprocessing.recorded()) {
            text(md, "preprocessing " + preprocessing.resizeShorter() + " " + preprocessing.centerCrop() + " "
                    + preprocessing.interpolation().manifestName());
        }
        text(md, Integer.toString(items));
        return md;
    }

    /** The common part: kind, sample shape, size, class names and labels. */
    private static MessageDigest start(String kind, Dataset data) {
        MessageDigest md = sha256();
        text(md, VERSION);
        text(md, kind);
        long[] shape = data.sampleShape();
        text(md, Integer.toString(shape.length));
        for (long d : shape) {
            text(md, Long.toString(d));
        }
        text(md, Integer.toString(data.size()));
        List<String> classes = data.classNames();
        text(md, Integer.toString(classes.size()));
        for (String c : classes) {
            text(md, c);
        }
        ByteBuffer labels = ByteBuffer.allocate(data.size() * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.size(); i++) {
            labels.putInt(data.label(i));
        }
        md.update(labels.array());
        return md;
    }

    /** A length-prefixed string, so that no two sequences of fields hash alike. */
    private static void text(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(Integer.BYTES).putInt(b.length).array());
        md.update(b);
    }

    private static String sha256(String location, ItemStorage storage) {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = storage.open(location)) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new DataException(location + ": cannot read to identify the data set: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }
}
