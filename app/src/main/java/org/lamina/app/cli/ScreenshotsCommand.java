package org.lamina.app.cli;

import org.lamina.app.screenshots.ScreenshotRenderer;
import org.lamina.app.shell.WorkbenchWindow;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code lamina screenshots}: headless PNGs of the window and every panel. */
@Command(name = "screenshots", mixinStandardHelpOptions = true,
        description = "Render the main window and every panel headless (no display needed) on a bundled model "
                + "and write one PNG each.")
final class ScreenshotsCommand implements Runnable {

    @Option(names = "--out", defaultValue = "screenshots", paramLabel = "DIR",
            description = "Output directory (default ${DEFAULT-VALUE}/).")
    Path out;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "Model to show (default: sample:fashion-cnn, else sample:tiny-cnn).")
    String model;

    @Option(names = "--image", defaultValue = "0", description = "Data-set item to explore (default ${DEFAULT-VALUE}).")
    int image;

    @Option(names = "--vit-only",
            description = "Render only the second pass, the panels on a vision transformer (--model, default the bundled "
                    + "ViT), with the -vit suffix: e.g. to refresh panel-craft-vit.png and panel-chmcorr-vit.png.")
    boolean vitOnly;

    @Option(names = "--lm-only",
            description = "Render only the third pass, the panels that take a language model (explorer, concept depth) on "
                    + "--model (default the bundled trained LM, else tiny-llama), with the -lm suffix.")
    boolean lmOnly;

    /** Panels shown in the language-model pass; the others refuse a language model. */
    private static final java.util.Set<String> LM_PANELS = java.util.Set.of("explorer", "conceptdepth");

    @Option(names = "--probe-point", paramLabel = "POINT", description = "Probe point to select (default: the panel's choice).")
    String probePoint;

    /** The ViT probe point the second set of panel screenshots shows: the last attention map. */
    private static String lastAttention(String vit) {
        String point = null;
        for (org.lamina.analysis.model.ProbePoint p : org.lamina.analysis.model.ManifestReader.read(
                org.lamina.analysis.model.ModelLocator.resolve(vit)).probePoints()) {
            if (p.name().contains("attn")) {
                point = p.name();
            }
        }
        return point;
    }

    private static String lmSample() {
        return firstBundled("tiny-lm-8", "tiny-llama");
    }

    private static String vitSample() {
        return firstBundled("fashion-vit", "tiny-vit");
    }

    /** {@code sample:NAME} of the first of {@code names} that is bundled, or {@code null}. */
    private static String firstBundled(String... names) {
        java.util.List<String> samples = org.lamina.analysis.model.ModelLocator.sampleNames();
        for (String s : names) {
            if (samples.contains(s)) {
                return "sample:" + s;
            }
        }
        return null;
    }

    @Override
    public void run() {
        LaminaCli.requireJavaFx("screenshots");
        String m = model != null ? model : WorkbenchWindow.defaultSample();
        if (m == null) {
            throw new IllegalArgumentException("no bundled sample model found; give --model");
        }
        try {
            if (lmOnly) {
                String lm = model != null ? model : lmSample();
                if (lm == null) {
                    throw new IllegalArgumentException("--lm-only: no bundled language model found; give --model");
                }
                for (Path p : ScreenshotRenderer.render(out, lm, 0, null, "-lm", false, LM_PANELS)) {
                    System.out.println(p);
                }
                return;
            }
            if (vitOnly) {
                String vit = model != null ? model : vitSample();
                if (vit == null) {
                    throw new IllegalArgumentException("--vit-only: no bundled ViT sample found; give --model");
                }
                for (Path p : ScreenshotRenderer.render(out, vit, image, lastAttention(vit), "-vit", false)) {
                    System.out.println(p);
                }
                return;
            }
            for (Path p : ScreenshotRenderer.render(out, m, image, probePoint, "", true)) {
                System.out.println(p);
            }
            // The panels once more on a vision transformer: token and attention maps look different.
            String vit = model == null ? vitSample() : null;
            if (vit != null) {
                for (Path p : ScreenshotRenderer.render(out, vit, image, lastAttention(vit), "-vit", false)) {
                    System.out.println(p);
                }
            }
            // And on a language model: the explorer's text view and concept depth on text.
            String lm = model == null ? lmSample() : null;
            if (lm != null) {
                for (Path p : ScreenshotRenderer.render(out, lm, 0, null, "-lm", false, LM_PANELS)) {
                    System.out.println(p);
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("screenshots failed: " + e.getMessage(), e);
        } finally {
            javafx.application.Platform.exit();
        }
    }
}
