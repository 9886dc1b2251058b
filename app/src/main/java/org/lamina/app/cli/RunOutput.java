package org.lamina.app.cli;

import org.lamina.analysis.export.ExportSettings;
import org.lamina.analysis.job.OutputFolder;

import picocli.CommandLine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output options every analysis command shares, checked before anything is computed (issue
 * #16, class 2): {@code --dpi} and {@code --width-cm} within {@link ExportSettings}' documented
 * ranges, and {@code --out} a folder that can be written. The run then writes into an
 * {@link OutputFolder}, so the folder holds all of one run or the previous one.
 */
final class RunOutput {

    private RunOutput() {
    }

    /** {@code --dpi}: 72 … 1200 (a DPI of 0 or 5000 used to fail after the analysis, or run out of memory). */
    static int checkDpi(int dpi) {
        if (dpi < ExportSettings.MIN_DPI || dpi > ExportSettings.MAX_DPI) {
            throw new IllegalArgumentException("--dpi must be " + ExportSettings.MIN_DPI + " … " + ExportSettings.MAX_DPI
                    + " (dots per inch of the PNG figures), got " + dpi);
        }
        return dpi;
    }

    /** {@code --width-cm}: 2 … 60 cm. */
    static double checkWidthCm(double widthCm) {
        if (!(widthCm >= ExportSettings.MIN_WIDTH_CM && widthCm <= ExportSettings.MAX_WIDTH_CM)) {
            throw new IllegalArgumentException("--width-cm must be " + ExportSettings.MIN_WIDTH_CM + " … "
                    + ExportSettings.MAX_WIDTH_CM + " (figure width on paper), got " + widthCm);
        }
        return widthCm;
    }

    /**
     * Opens {@code --out} for one run of the command (refused with the reason when it cannot be
     * written); its manifest is {@code lamina-run-COMMAND.json}.
     */
    static OutputFolder open(Path out, CommandLine.Model.CommandSpec spec) {
        return OutputFolder.open(out, spec.name());
    }

    /** What the run manifest records of the run: the command and its arguments as given. */
    static Map<String, Object> describe(CommandLine.Model.CommandSpec spec) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", spec.qualifiedName());
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        run.put("arguments", parsed == null ? List.of() : parsed.originalArgs());
        run.put("lamina", new LaminaCli.Version().getVersion()[0]);
        return run;
    }
}
