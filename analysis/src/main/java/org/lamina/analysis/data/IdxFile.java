package org.lamina.analysis.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An IDX file of unsigned bytes (LeCun's MNIST format: magic {@code 0x0000 08 D}, D big-endian
 * dimension sizes, then the data). Gzip is detected from the content, not the name.
 *
 * @param file the file read
 * @param dims dimension sizes, e.g. {@code [n, 28, 28]} for images, {@code [n]} for labels
 * @param data the values, row-major, unsigned (0..255) stored in bytes
 */
public record IdxFile(Path file, int[] dims, byte[] data) {

    /** Number of items (first dimension). */
    public int count() {
        return dims[0];
    }

    /** Values per item (product of the other dimensions). */
    public int itemSize() {
        int n = 1;
        for (int i = 1; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    /** Item {@code i}'s values in [0, 1]. */
    public float[] itemAsUnitFloats(int i) {
        int size = itemSize();
        float[] out = new float[size];
        for (int k = 0; k < size; k++) {
            out[k] = (data[i * size + k] & 0xff) / 255f;
        }
        return out;
    }

    /** Labels of a 1-D label file. */
    public int[] labels() {
        if (dims.length != 1) {
            throw new DataException(file + ": expected a 1-D IDX label file, got dimensions " + Arrays.toString(dims));
        }
        int[] out = new int[dims[0]];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[i] & 0xff;
        }
        return out;
    }

    /** Reads an IDX file of unsigned bytes, gzipped or not. */
    public static IdxFile read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream data = new DataInputStream(in);
            int magic = data.readInt();
            if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != 0x08) {
                throw new DataException(file + ": not an IDX file of unsigned bytes (magic number 0x"
                        + String.format("%08X", magic) + ", expected 0x000008NN such as 0x00000803 for images"
                        + " or 0x00000801 for labels)");
            }
            int rank = magic & 0xff;
            if (rank < 1 || rank > 4) {
                throw new DataException(file + ": IDX rank " + rank + " is not supported (1 to 4 dimensions)");
            }
            int[] dims = new int[rank];
            // The header's sizes are unsigned 32-bit big-endian; read as long so that 0xFFFFFFFF is
            // reported as 4294967295, and multiply as BigInteger so that no product wraps around.
            java.math.BigInteger total = java.math.BigInteger.ONE;
            long[] announced = new long[rank];
            for (int i = 0; i < rank; i++) {
                announced[i] = data.readInt() & 0xFFFFFFFFL;
                total = total.multiply(java.math.BigInteger.valueOf(announced[i]));
            }
            if (total.compareTo(java.math.BigInteger.valueOf(Integer.MAX_VALUE - 8)) > 0) {
                throw new DataException(file + ": IDX header announces dimensions " + Arrays.toString(announced) + " = "
                        + total + " values; at most " + (Integer.MAX_VALUE - 8) + " (2 GiB) can be read");
            }
            for (int i = 0; i < rank; i++) {
                dims[i] = (int) announced[i];
            }
            int count = total.intValue();
            // readNBytes grows its buffer as data arrives, so a header that lies about its size
            // cannot make us allocate gigabytes for a file of a few bytes.
            byte[] values = data.readNBytes(count);
            if (values.length < count) {
                throw new DataException(file + ": truncated IDX file: header announces dimensions " + Arrays.toString(dims)
                        + " = " + count + " values but the file holds only " + values.length);
            }
            return new IdxFile(file, dims, values);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found", e);
        } catch (EOFException e) {
            throw new DataException(file + ": truncated IDX file (ends inside the header)", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read IDX file: " + e.getMessage(), e);
        }
    }
}
