package org.lamina.analysis.infoplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;


import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes an {@link InfoPlaneResult}: {@code infoplane.json}, {@code activations-final.npz}
 * ({@code layer0 … layerK} = the final activations of {@code layers[0 … K]} on the MI rows: all 4,096
 * inputs of the 12-bit set, or the chosen image subset;
 * {@code inputs}, {@code labels}), and CSVs of every figure's numbers. Each file is written to a
 * temporary name and moved into place, so an interrupted export leaves no half-written file.
 */
public final class InfoPlaneFiles {

    private InfoPlaneFiles() {
    }

    /** JSON mapper used for {@code infoplane.json}. */
    public static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Writes the JSON, NPZ and CSV files into {@code dir} (created if needed). */
    public static void writeAll(InfoPlaneResult r, Path dir) throws IOException {
        Files.createDirectories(dir);
        atomically(dir.resolve("infoplane.json"), out -> mapper().writeValue(out, r));
        atomically(dir.resolve("activations-final.npz"), out -> writeNpz(r, out));
        writeCsvs(r, dir);
    }

    /** The MI, SNR and training CSVs. */
    public static void writeCsvs(InfoPlaneResult r, Path dir) throws IOException {
        atomically(dir.resolve("infoplane.csv"), out -> {
            StringBuilder s = new StringBuilder("epoch,layer,ixt_bits,ity_bits,ixt_std,ity_std");
            s.append(r.ixtLower() != null ? ",ixt_lower_bits\n" : "\n");
            for (int e = 0; e < r.epochs().length; e++) {
                for (int l = 0; l < r.layers().size(); l++) {
                    s.append(r.epochs()[e]).append(',').append(r.layers().get(l)).append(',')
                            .append(num(r.ixt()[e][l])).append(',').append(num(r.ity()[e][l])).append(',')
                            .append(num(r.ixtStd()[e][l])).append(',').append(num(r.ityStd()[e][l]));
                    if (r.ixtLower() != null) {
                        s.append(',').append(num(r.ixtLower()[e][l]));
                    }
                    s.append('\n');
                }
            }
            out.write(s.toString().getBytes(StandardCharsets.UTF_8));
        });
        atomically(dir.resolve("snr.csv"), out -> {
            StringBuilder s = new StringBuilder("epoch,layer,grad_mean_norm,grad_std_norm,snr,weight_norm\n");
            for (int e = 0; e < r.epochs().length; e++) {
                for (int l = 0; l < r.layers().size(); l++) {
                    s.append(r.epochs()[e]).append(',').append(r.layers().get(l)).append(',')
                            .append(num(r.gradientMean()[e][l])).append(',').append(num(r.gradientStd()[e][l])).append(',')
                            .append(num(r.snr()[e][l])).append(',').append(num(r.weightNorm()[e][l])).append('\n');
                }
            }
            out.write(s.toString().getBytes(StandardCharsets.UTF_8));
        });
        atomically(dir.resolve("training.csv"), out -> {
            StringBuilder s = new StringBuilder("epoch,train_loss_nats,train_accuracy,test_accuracy\n");
            for (int e = 0; e < r.epochs().length; e++) {
                s.append(r.epochs()[e]).append(',').append(num(r.trainLoss()[e])).append(',')
                        .append(num(r.trainAccuracy()[e])).append(',').append(num(r.testAccuracy()[e])).append('\n');
            }
            out.write(s.toString().getBytes(StandardCharsets.UTF_8));
        });
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    /** NPZ (an uncompressed zip of .npy files) of the final activations, inputs and labels. */
    public static void writeNpz(InfoPlaneResult r, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        List<float[]> acts = r.finalActivations();
        // the rows the MI was estimated on (all 4,096 for the 12-bit set), reloaded from the parameters
        InfoPlaneData data = InfoPlaneData.load(r.parameters());
        int n = data.miRows().length;
        for (int l = 0; l < acts.size(); l++) {
            entry(zip, "layer" + l, npyFloat(acts.get(l), n, acts.get(l).length / n));
        }
        entry(zip, "inputs", npyFloat(data.miInputs(), n, data.features()));
        int[] labels = data.miLabels();
        ByteBuffer b = ByteBuffer.allocate(labels.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int y : labels) {
            b.putLong(y);
        }
        entry(zip, "labels", npy("<i8", "(" + n + ",)", b.array()));
        zip.finish();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(data);
        zip.closeEntry();
    }

    private static byte[] npyFloat(float[] values, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return npy("<f4", "(" + rows + ", " + cols + ")", b.array());
    }

    /** NPY format 1.0: magic, version, little-endian header length, header padded to 64 bytes. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(10 + header.length() + data.length);
        out.write(0x93);
        out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** Something that writes a file's content. */
    @FunctionalInterface
    public interface Content {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} all or nothing through {@link org.lamina.analysis.job.AtomicOutput} (the
     * one writer that refuses non-regular targets and honours the umask).
     */
    public static void atomically(Path target, Content content) throws IOException {
        org.lamina.analysis.job.AtomicOutput.write(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.write(out);
            }
        });
    }

}
