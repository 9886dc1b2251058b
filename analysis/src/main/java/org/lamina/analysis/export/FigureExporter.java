package org.lamina.analysis.export;

import org.jfree.chart.util.ExportUtils;
import org.lamina.analysis.job.AtomicOutput;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes figures as PNG, SVG, PDF and CSV. Figures are laid out in points at the paper width of
 * the settings (so fonts keep their point size on paper); PNG rasterises that layout at the DPI
 * and records the DPI in the file. Every file is written atomically (never half-written).
 */
public final class FigureExporter {

    private final ExportSettings settings;

    public FigureExporter(ExportSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** An exporter with {@link ExportSettings#defaults()}. */
    public FigureExporter() {
        this(ExportSettings.defaults());
    }

    public ExportSettings settings() {
        return settings;
    }

    /** Writes one figure in one format to {@code target}; returns {@code target}. */
    public Path export(Figure figure, Path target, ExportFormat format) {
        double w = settings.widthPoints();
        double h = w * figure.aspectRatio();
        return AtomicOutput.write(target, tmp -> {
            switch (format) {
                case PNG -> writePng(render(figure, settings.dpi()), tmp, settings.dpi());
                case SVG -> ExportUtils.writeAsSVG(figure::draw, (int) Math.round(w), (int) Math.round(h), tmp.toFile());
                case PDF -> ExportUtils.writeAsPDF(figure::draw, (int) Math.round(w), (int) Math.round(h), tmp.toFile());
                case CSV -> {
                    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                        figure.data().writeCsv(out);
                    }
                }
            }
        });
    }

    /**
     * Writes a figure in several formats into {@code directory} as {@code baseName.ext}; returns
     * the files written, in the order of {@code formats}.
     */
    public List<Path> exportAll(Figure figure, Path directory, String baseName, Collection<ExportFormat> formats) {
        List<Path> out = new ArrayList<>();
        for (ExportFormat f : formats) {
            out.add(export(figure, directory.resolve(baseName + "." + f.extension()), f));
        }
        return out;
    }

    /** The figure rasterised at {@code dpi} for the settings' paper width (white background). */
    public BufferedImage render(Figure figure, int dpi) {
        double w = settings.widthPoints();
        double h = w * figure.aspectRatio();
        double scale = dpi / 72.0;
        int pw = Math.max(1, (int) Math.round(w * scale));
        int ph = Math.max(1, (int) Math.round(h * scale));
        BufferedImage img = new BufferedImage(pw, ph, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, pw, ph);
            g.scale(scale, scale);
            figure.draw(g, new Rectangle2D.Double(0, 0, w, h));
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Renders any figure at a given pixel size, one pixel per point. */
    public static BufferedImage renderPixels(Figure figure, int width, int height) {
        return renderPixels(figure, width, height, 1.0);
    }

    /**
     * Renders a figure at a given pixel size, laid out {@code scale} times smaller and magnified
     * (so that on screen its point-sized text grows with the view, as on a zoomed page).
     */
    public static BufferedImage renderPixels(Figure figure, int width, int height, double scale) {
        BufferedImage img = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.scale(scale, scale);
            figure.draw(g, new Rectangle2D.Double(0, 0, img.getWidth() / scale, img.getHeight() / scale));
        } finally {
            g.dispose();
        }
        return img;
    }

    /** PNG with a pHYs chunk, so layout programs place it at its physical size. */
    static void writePng(BufferedImage image, Path file, int dpi) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        ImageWriter writer = writers.next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            String dotsPerMetre = Integer.toString((int) Math.round(dpi / 0.0254));
            IIOMetadataNode phys = new IIOMetadataNode("pHYs");
            phys.setAttribute("pixelsPerUnitXAxis", dotsPerMetre);
            phys.setAttribute("pixelsPerUnitYAxis", dotsPerMetre);
            phys.setAttribute("unitSpecifier", "meter");
            IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
            root.appendChild(phys);
            meta.mergeTree("javax_imageio_png_1.0", root);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, meta), param);
        } finally {
            writer.dispose();
        }
    }
}
