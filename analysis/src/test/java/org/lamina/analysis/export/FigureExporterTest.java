package org.lamina.analysis.export;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.data.category.DefaultCategoryDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FigureExporterTest {

    static ChartFigure barChart() {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        ds.addValue(0.7, "p", "Coat, long");
        ds.addValue(0.2, "p", "Shirt \"slim\"");
        JFreeChart chart = PaperChartStyle.apply(ChartFactory.createBarChart("Top-2", null, "probability", ds));
        FigureData data = FigureData.builder("label", "probability").row("Coat, long", 0.7).row("Shirt \"slim\"", 0.2).build();
        return new ChartFigure("top2", "Top-2", chart, 0.75, data);
    }

    @Test
    void pngHasThePaperSizeAtTheDpiAndRecordsTheDpi(@TempDir Path dir) throws Exception {
        FigureExporter exporter = new FigureExporter(new ExportSettings(8.5, 300));
        Path png = exporter.export(barChart(), dir.resolve("f.png"), ExportFormat.PNG);
        BufferedImage img = ImageIO.read(png.toFile());
        // 8.5 cm at 300 dpi = 1004 px wide; height = 0.75 of that.
        assertThat(img.getWidth()).isCloseTo(1004, org.assertj.core.data.Offset.offset(1));
        assertThat(img.getHeight()).isCloseTo((int) Math.round(img.getWidth() * 0.75), org.assertj.core.data.Offset.offset(2));
        try (ImageInputStream in = ImageIO.createImageInputStream(png.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            IIOMetadata meta = reader.getImageMetadata(0);
            Element root = (Element) meta.getAsTree("javax_imageio_png_1.0");
            Element phys = (Element) root.getElementsByTagName("pHYs").item(0);
            assertThat(Integer.parseInt(phys.getAttribute("pixelsPerUnitXAxis"))).isEqualTo((int) Math.round(300 / 0.0254));
        }
        // Not blank: the bars and text put dark pixels on the white page.
        long dark = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                if ((img.getRGB(x, y) & 0xff) < 128) {
                    dark++;
                }
            }
        }
        assertThat(dark).isGreaterThan(100);
    }

    @Test
    void svgIsWellFormedXmlWithThePaperWidth(@TempDir Path dir) throws Exception {
        Path svg = new FigureExporter().export(barChart(), dir.resolve("f.svg"), ExportFormat.SVG);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        // The SVG names the W3C DTD; parse offline.
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = factory.newDocumentBuilder().parse(svg.toFile());
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("svg");
        assertThat(Double.parseDouble(root.getAttribute("width").replaceAll("[^0-9.]", ""))).isCloseTo(241, org.assertj.core.data.Offset.offset(1.0));
        assertThat(Files.readString(svg)).contains("Top-2");
    }

    @Test
    void pdfStartsWithThePdfHeaderAndEndsWithEof(@TempDir Path dir) throws Exception {
        Path pdf = new FigureExporter().export(barChart(), dir.resolve("f.pdf"), ExportFormat.PDF);
        byte[] bytes = Files.readAllBytes(pdf);
        assertThat(new String(bytes, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1).stripTrailing()).endsWith("%%EOF");
    }

    @Test
    void csvQuotesFieldsWithCommasAndQuotes(@TempDir Path dir) throws Exception {
        Path csv = new FigureExporter().export(barChart(), dir.resolve("f.csv"), ExportFormat.CSV);
        assertThat(Files.readAllLines(csv)).containsExactly(
                "label,probability", "\"Coat, long\",0.7", "\"Shirt \"\"slim\"\"\",0.2");
    }

    @Test
    void exportAllWritesEveryFormatAndHeatmapsExportToo(@TempDir Path dir) throws Exception {
        HeatmapGridFigure maps = new HeatmapGridFigure("maps", "two maps", List.of(
                new HeatmapGridFigure.Tile("a", new float[] {0, 1, 2, 3}, 2, 2),
                new HeatmapGridFigure.Tile("b", new float[] {3, 2, 1, 0}, 2, 2)), Colormap.VIRIDIS);
        List<Path> files = new FigureExporter().exportAll(maps, dir, "maps", EnumSet.allOf(ExportFormat.class));
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("maps.png", "maps.svg", "maps.pdf", "maps.csv");
        assertThat(ImageIO.read(files.get(0).toFile())).isNotNull();
        assertThat(Files.readAllLines(files.get(3))).hasSize(1 + 8).contains("b,1,1,0.0");
    }

    @Test
    void settingsRejectNonsense() {
        assertThatThrownBy(() -> new ExportSettings(8.5, 10)).hasMessageContaining("DPI");
        assertThatThrownBy(() -> new ExportSettings(0, 300)).hasMessageContaining("width");
        assertThat(ExportSettings.ofInches(3.5, 300).widthPoints()).isCloseTo(252, org.assertj.core.data.Offset.offset(0.01));
    }
}
