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
 * (the final activations of the first run on the MI rows — all 4,096 inputs of the 12-bit set, or
 * the chosen image subset — under the layer names of the JSON and CSVs, {@code layer1 … layerK}
 * and {@code softmax}; {@code inputs}, {@code labels}), and CSVs of every figure's numbers; and,
 * while training runs, every logged epoch's activations ({@link #activationWriter}). Each file is
 * written to a temporary name and moved into place, so an interrupted export leaves no
 * half-written file.
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
        List<String> names = r.parameters().layerNames();
        for (int l = 0; l < acts.size(); l++) {
            entry(zip, names.get(l), npyFloat(acts.get(l), n, acts.get(l).length / n));
        }
        entry(zip, "inputs", npyFloat(data.miInputs(), n, data.features()));
        entry(zip, "labels", npyLabels(data.miLabels()));
        zip.finish();
    }

    /** Folder, under the output folder, of the per-epoch activations. */
    public static final String ACTIVATIONS_FOLDER = "activations";

    /** Where {@link #activationWriter} puts the activations of one run at one logged epoch, relative to its folder. */
    public static String activationFile(long seed, int epoch) {
        return ACTIVATIONS_FOLDER + "/seed" + seed + "/epoch" + String.format(Locale.ROOT, "%05d", epoch) + ".npz";
    }

    /**
     * A sink that writes every run's activations at each logged epoch, as it is computed, to
     * {@code dir/activations/seedS/epochNNNNN.npz} (see {@link #activationFile}): one float32
     * {@code [MI rows × width]} array per layer under the JSON's layer names ({@code layer1 …},
     * {@code softmax}) and the int64 {@code labels} of the MI rows, so I(X;T) and I(T;Y) can be
     * recomputed with any estimator. Nothing is kept in memory after a file is written.
     */
    public static InfoPlaneRun.ActivationSink activationWriter(Path dir, InfoPlaneParameters p) {
        List<String> names = p.layerNames();
        InfoPlaneData data = InfoPlaneData.load(p);
        byte[] labels = npyLabels(data.miLabels());
        int rows = data.miRows().length;
        return new InfoPlaneRun.ActivationSink() {
            @Override
            public void logged(long seed, int epoch, List<float[]> layers) throws IOException {
                Path file = dir.resolve(activationFile(seed, epoch));
                Files.createDirectories(file.getParent());
                atomically(file, out -> {
                    ZipOutputStream zip = new ZipOutputStream(out);
                    for (int l = 0; l < layers.size(); l++) {
                        entry(zip, names.get(l), npyFloat(layers.get(l), rows, layers.get(l).length / rows));
                    }
                    entry(zip, "labels", labels);
                    zip.finish();
                });
            }

            @Override
            public String description() {
                return ACTIVATIONS_FOLDER + "/seed<S>/epoch<NNNNN>.npz for every run and logged epoch: float32 "
                        + "[" + rows + " MI rows x width] under the layer names " + names + ", and int64 labels";
            }
        };
    }

    private static byte[] npyLabels(int[] labels) {
        ByteBuffer b = ByteBuffer.allocate(labels.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int y : labels) {
            b.putLong(y);
        }
        return npy("<i8", "(" + labels.length + ",)", b.array());
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
