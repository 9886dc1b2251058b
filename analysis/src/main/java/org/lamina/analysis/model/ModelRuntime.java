package org.lamina.analysis.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import org.lamina.analysis.engine.TorchSelection;

import java.util.Locale;
import java.util.Optional;

/**
 * Starts the deep-learning engine the Lamina way: offline, with tracking off, on the chosen
 * device. DJL otherwise calls home over HTTP and, with a mismatched native version, tries to
 * download natives; both must never happen (STACK.md), so every entry point calls
 * {@link #engine()} before touching DJL.
 */
public final class ModelRuntime {

    /** Engine name used throughout. */
    public static final String ENGINE = "PyTorch";

    private ModelRuntime() {
    }

    /**
     * Environment variable that caps oneDNN's instruction set. Its AVX-512 convolution
     * backward-data kernels returned wrong input gradients (up to 70 % off, varying from call to
     * call) on this project's AMD EPYC machines, while AVX2 kernels match finite differences;
     * libtorch reads it when it loads, so the launcher and the test configuration set it.
     */
    public static final String ONEDNN_ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";

    /** Whether the oneDNN instruction-set cap is in place for this process. */
    public static boolean oneDnnCapped() {
        String v = System.getenv(ONEDNN_ISA_VARIABLE);
        return v != null && !v.isBlank();
    }

    /**
     * Sets the offline flags and hands DJL the libtorch remembered by {@code lamina torch use}
     * (idempotent). Must run before the first DJL class initialises.
     */
    public static void goOffline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        // DJL reads the tracking opt-out from the environment as well; the launcher exports it.
        applyRememberedTorch();
    }

    /** The installed libtorch in use, once read: empty = the bundled natives. Null = not read yet. */
    private static volatile Optional<TorchSelection> installedTorch;
    /** Why the remembered choice cannot be used (the engine then refuses to start), or null. */
    private static volatile String torchProblem;
    private static volatile boolean engineStarted;

    private static synchronized void applyRememberedTorch() {
        if (installedTorch != null) {
            return;
        }
        installedTorch = Optional.empty();
        if (TorchSelection.environmentOverride().isPresent()) {
            return; // DJL reads the environment first; EngineReport says so.
        }
        try {
            Optional<TorchSelection> s = TorchSelection.load(TorchSelection.configDir());
            if (s.isPresent()) {
                s.get().problem().ifPresent(p -> torchProblem = p);
                s.get().apply();
                installedTorch = s;
            }
        } catch (IllegalArgumentException e) {
            torchProblem = e.getMessage();
        }
    }

    /**
     * Uses {@code selection} (null: the bundled natives) in this process instead of the
     * remembered choice; only before the engine has started ({@code lamina torch use} checks the
     * libtorch it just prepared this way before remembering it).
     */
    public static synchronized void useTorch(TorchSelection selection) {
        if (engineStarted) {
            throw new IllegalStateException("the PyTorch engine has started already; a libtorch is chosen before that");
        }
        torchProblem = null;
        if (selection == null) {
            TorchSelection.unapply();
            installedTorch = Optional.empty();
        } else {
            selection.apply();
            installedTorch = Optional.of(selection);
        }
    }

    /** The installed libtorch this process uses (chosen with {@code lamina torch use}), if any. */
    public static Optional<TorchSelection> installedTorch() {
        applyRememberedTorch();
        return installedTorch;
    }

    private static volatile int intraOpThreads;

    /** Whether {@link #engine()} has been called in this process (the natives may be loaded). */
    public static boolean engineStarted() {
        return engineStarted;
    }

    /** The PyTorch engine, started offline. */
    public static Engine engine() {
        goOffline();
        if (torchProblem != null) {
            throw new ModelException(torchProblem);
        }
        engineStarted = true;
        try {
            Engine engine = Engine.getEngine(ENGINE);
            if (intraOpThreads == 0) {
                synchronized (ModelRuntime.class) {
                    if (intraOpThreads == 0) {
                        intraOpThreads = Integer.getInteger("lamina.threads", Runtime.getRuntime().availableProcessors());
                        JniUtils.setNumThreads(intraOpThreads);
                    }
                }
            }
            return engine;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            String need = installedTorch.map(t -> " The libtorch chosen with 'lamina torch use' (" + t.given() + ", links in "
                    + t.links() + ") did not load; 'lamina torch reset' goes back to the bundled natives.")
                    .orElse(" Lamina needs pytorch-native-cpu 2.5.1 (or -cu124) on the classpath.");
            throw new ModelException("Cannot start the PyTorch engine (DJL " + Engine.getDjlVersion()
                    + "): " + e.getMessage() + "." + need, e);
        }
    }

    /** Intra-op threads for ordinary (forward-only) runs: {@code -Dlamina.threads}, default all cores. */
    public static int intraOpThreads() {
        engine();
        return intraOpThreads;
    }

    /** Device choice of the user. */
    public enum DeviceChoice {
        /** GPU when the engine sees one, else CPU. */
        AUTO,
        CPU,
        GPU;

        /** Parses {@code auto|cpu|gpu} (case-insensitive) with a clear error. */
        public static DeviceChoice parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("device must be auto, cpu or gpu, got '" + s + "'");
            }
        }
    }

    /** Resolves a device choice against the hardware the engine sees. */
    public static Device device(DeviceChoice choice) {
        Engine engine = engine();
        int gpus = engine.getGpuCount();
        return switch (choice) {
            case CPU -> Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new ModelException("--device gpu was asked for, but the PyTorch engine sees no GPU "
                            + "(CPU natives, or no CUDA driver). Build with -Pcuda on a CUDA machine, or choose a CUDA libtorch "
                            + "with 'lamina torch use PATH'.");
                }
                yield Device.gpu();
            }
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
    }

    /**
     * One line for status bars and provenance, e.g. {@code DJL 0.33.0 / PyTorch 2.5.1}; with an
     * installed libtorch also where it is and its flavour, e.g. {@code DJL 0.33.0 / PyTorch 1.13.1
     * (installed, cpu: /usr/lib/python3/dist-packages/torch)}.
     */
    public static String versions() {
        Engine e = engine();
        String where = installedTorch().map(t -> " (installed, " + t.flavor() + ": " + t.given() + ")").orElse("");
        return "DJL " + Engine.getDjlVersion() + " / PyTorch " + e.getVersion() + where;
    }
}
