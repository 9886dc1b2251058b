package org.lamina.plugins.api;

import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.ExportSettings;
import org.lamina.analysis.model.ModelRuntime;

import java.util.Objects;

/**
 * The user's preferences (Edit → Preferences), persisted by the shell.
 *
 * @param device       where models run (default {@code AUTO}: GPU when there is one)
 * @param batchSize    images per forward pass in batched analyses, 1 to 4096 (default 64)
 * @param exportFormat default figure format (default PNG)
 * @param dpi          PNG resolution, 72 to 1200 (default 300)
 * @param widthCm      figure width on paper, 2 to 60 cm (default 8.5, one column)
 * @param seed         seed of every randomised analysis (default 42)
 */
public record WorkbenchSettings(ModelRuntime.DeviceChoice device, int batchSize, ExportFormat exportFormat,
                                int dpi, double widthCm, long seed) {

    public WorkbenchSettings {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(exportFormat, "exportFormat");
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batch size must be 1 to 4096, got " + batchSize);
        }
        new ExportSettings(widthCm, dpi);
    }

    /** The defaults listed above. */
    public static WorkbenchSettings defaults() {
        return new WorkbenchSettings(ModelRuntime.DeviceChoice.AUTO, 64, ExportFormat.PNG,
                ExportSettings.DEFAULT_DPI, ExportSettings.SINGLE_COLUMN_CM, 42);
    }

    /** The export part. */
    public ExportSettings export() {
        return new ExportSettings(widthCm, dpi);
    }
}
