package org.lamina.app.cli;

import org.lamina.analysis.data.DataException;
import org.lamina.analysis.job.OutputException;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelRuntime;

import org.lamina.app.shell.WorkbenchApp;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./lamina}. */
@Command(name = "lamina", mixinStandardHelpOptions = true, versionProvider = LaminaCli.Version.class,
        description = "Lamina — an interpretability workbench: information plane, CRAFT concepts, "
                + "neuron paths, concept depth and editable CHM-Corr++ maps. Without a command, opens the workbench window.%n"
                + "MODEL is a model directory (with model.json) or sample:NAME.",
        subcommands = {ModelsCommand.class, InspectCommand.class, PredictCommand.class, EvaluateCommand.class,
                InfoPlaneCommand.class, LensCommand.class, CraftCommand.class, NeuronPathCommand.class, ProbeCommand.class, ChmCorrCommand.class,
                StudyCommand.class, ExtractCommand.class, ReplayCommand.class, ScreenshotsCommand.class, TorchCommand.class, CommandLine.HelpCommand.class})
public final class LaminaCli implements Runnable {

    /** Exit code for bad input (file, field, option). */
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--model", paramLabel = "MODEL",
            description = "Model the workbench opens (default: the last one, else sample:fashion-cnn).")
    String model;

    /** No subcommand: open the workbench window. */
    @Override
    public void run() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        if (linux && System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
            throw new IllegalArgumentException("no display to open the workbench window on (DISPLAY is not set). "
                    + "Run it under a desktop session or Xvfb (xvfb-run ./lamina), or use the commands: "
                    + "./lamina --help, ./lamina screenshots");
        }
        requireJavaFx("the workbench window");
        WorkbenchApp.launch(model);
    }

    /** The class every JavaFX program loads first; absent from class paths made without JavaFX. */
    static final String JAVAFX_PROBE_CLASS = "javafx.application.Platform";

    /**
     * Refuses, with a message instead of a {@link NoClassDefFoundError} stack, to run {@code what}
     * on a class path without JavaFX: bench/gpu/pack.sh bundles the CLI without it, and only the
     * window and {@code screenshots} need it.
     */
    static void requireJavaFx(String what) {
        requireClass(JAVAFX_PROBE_CLASS, what);
    }

    static void requireClass(String className, String what) {
        try {
            Class.forName(className, false, LaminaCli.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(what + " needs JavaFX, which is not on this class path (" + className
                    + " not found; a bundle made without JavaFX, such as bench/gpu/pack.sh's); the analysis commands run without it");
        }
    }

    /** Runs the CLI and returns the exit code (tests call this; {@link #main} exits with it). */
    public static int execute(String... args) {
        ModelRuntime.goOffline();
        CommandLine cli = new CommandLine(new LaminaCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ModelException || e instanceof DataException || e instanceof IllegalArgumentException
                    || e instanceof OutputException) {
                commandLine.getErr().println("lamina: " + e.getMessage());
                return EXIT_BAD_INPUT;
            }
            commandLine.getErr().println("lamina: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            if (Boolean.getBoolean("lamina.stacktrace")) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        int code = cli.execute(args);
        return code == 0 ? checkStandardOutput(cli) : code;
    }

    /**
     * A run whose results went to a standard output that could not take them ({@code --json >
     * /dev/full}, a closed pipe) failed, whatever it computed: {@link java.io.PrintStream} swallows
     * write errors, so they are asked for here, after flushing.
     */
    private static int checkStandardOutput(CommandLine cli) {
        System.out.flush();
        cli.getOut().flush();
        if (System.out.checkError() || cli.getOut().checkError()) {
            System.err.println("lamina: cannot write to standard output (no space left, or the reader went away); "
                    + "the results are incomplete");
            return EXIT_BAD_INPUT;
        }
        return 0;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Version line: Lamina and its engine. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LaminaCli.class.getPackage().getImplementationVersion();
            return new String[] {"Lamina " + (v == null ? "0.1.0-SNAPSHOT" : v), ModelRuntime.versions()};
        }
    }
}
