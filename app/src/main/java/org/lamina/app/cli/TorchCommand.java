package org.lamina.app.cli;

import org.lamina.analysis.cache.CacheDirectory;
import org.lamina.analysis.engine.JniBuild;
import org.lamina.analysis.engine.TorchInstallation;
import org.lamina.analysis.engine.TorchInstallationDetector;
import org.lamina.analysis.engine.TorchLinkFolder;
import org.lamina.analysis.engine.TorchSelection;
import org.lamina.analysis.model.EngineReport;
import org.lamina.analysis.model.ModelRuntime;

import ai.djl.engine.Engine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code lamina torch use|status|reset}: run Lamina on a libtorch that is already installed (a
 * PyTorch package, Debian's libtorch, a CUDA build) instead of the bundled CPU natives.
 */
@Command(name = "torch", mixinStandardHelpOptions = true,
        description = "Choose the libtorch Lamina runs on: the bundled CPU natives (PyTorch 2.5.1) or one already installed.",
        subcommands = {TorchCommand.Use.class, TorchCommand.Status.class, TorchCommand.Reset.class})
final class TorchCommand implements Runnable {

    /** Where the DJL sources come from when {@code --djl-src} is not given. */
    static final String DJL_SRC_PROPERTY = "lamina.djlSrc";

    @Override
    public void run() {
        new Status().call();
    }

    @Command(name = "use", mixinStandardHelpOptions = true,
            description = {"Use the libtorch in PATH from now on (./lamina, every command, the window).",
                    "PATH: a PyTorch package folder (python3 -c 'import torch,os; print(os.path.dirname(torch.__file__))') "
                            + "or a libtorch folder (an unpacked libtorch archive, or a prefix such as /usr with Debian's libtorch-dev).",
                    "The first time for a given release/ABI/flavour, DJL's JNI is compiled against it (a few minutes; needs "
                            + "cmake, make, g++ and a JDK's headers) and cached."})
    static final class Use implements Callable<Integer> {

        @Parameters(paramLabel = "PATH", description = "PyTorch package folder or libtorch folder.")
        Path path;

        @Option(names = "--djl-src", paramLabel = "DIR",
                description = "DJL 0.33.0's source tree (or its .tar.gz) to build the JNI from; needed only when no JNI "
                        + "for this libtorch is cached (default: -Dlamina.djlSrc / $LAMINA_DJL_SRC when set).")
        Path djlSrc;

        @Override
        public Integer call() {
            Optional<String> env = TorchSelection.environmentOverride();
            if (env.isPresent()) {
                throw new IllegalArgumentException(env.get() + " is set in the environment, and DJL reads it before any choice "
                        + "Lamina makes; unset it (unset PYTORCH_LIBRARY_PATH PYTORCH_VERSION PYTORCH_FLAVOR) and run this again");
            }
            TorchInstallation torch = TorchInstallationDetector.system().detect(path);
            System.err.println("found " + torch.describe());
            System.err.println("  release read from " + torch.versionSource());
            Path cache = CacheDirectory.base();
            Path jni;
            try {
                jni = JniBuild.ensure(torch, djlSource(), cache, line -> System.err.println("  " + line));
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            Path links = TorchLinkFolder.prepare(cache, torch, jni);
            TorchSelection selection = TorchSelection.of(torch, links, jni);
            // Start the engine on it before remembering it: a libtorch that does not load is never saved.
            ModelRuntime.useTorch(selection);
            String versions = ModelRuntime.versions();
            String engineVersion = Engine.getEngine(ModelRuntime.ENGINE).getVersion();
            if (!engineVersion.startsWith(torch.version())) {
                throw new IllegalArgumentException("the engine reports PyTorch " + engineVersion + " on " + links + ", not "
                        + torch.version() + "; not remembered");
            }
            selection.save(TorchSelection.configDir());
            System.out.println("using " + torch.describe());
            System.out.println("  engine   " + versions);
            System.out.println("  flavour  " + torch.flavor() + " (" + torch.abiName() + " ABI)");
            System.out.println("  JNI      " + jni);
            System.out.println("  links    " + links);
            System.out.println("  GPUs     " + Engine.getEngine(ModelRuntime.ENGINE).getGpuCount());
            System.out.println("remembered in " + TorchSelection.configDir().resolve("torch.properties")
                    + "; 'lamina torch reset' goes back to the bundled natives");
            return 0;
        }

        private Path djlSource() {
            if (djlSrc != null) {
                if (!Files.exists(djlSrc)) {
                    throw new IllegalArgumentException("--djl-src " + djlSrc + " does not exist");
                }
                return djlSrc;
            }
            String p = System.getProperty(DJL_SRC_PROPERTY, System.getenv("LAMINA_DJL_SRC"));
            if (p != null && !p.isBlank() && Files.exists(Path.of(p))) {
                return Path.of(p);
            }
            return null;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Say which libtorch is in use: path, version, flavour, CUDA devices with memory.")
    static final class Status implements Callable<Integer> {

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Override
        public Integer call() {
            Map<String, Object> out = new LinkedHashMap<>();
            Optional<String> env = TorchSelection.environmentOverride();
            Optional<TorchSelection> chosen = ModelRuntime.installedTorch();
            out.put("configFile", TorchSelection.configDir().resolve("torch.properties").toString());
            if (env.isPresent()) {
                out.put("libtorch", "environment");
                out.put("environment", env.get());
            } else if (chosen.isPresent()) {
                TorchSelection t = chosen.get();
                out.put("libtorch", "installed");
                out.put("path", t.given().toString());
                out.put("version", t.version());
                out.put("flavour", t.flavor());
                out.put("abi", t.abi());
                out.put("libraries", t.libDir().toString());
                out.put("links", t.links().toString());
                out.put("jni", t.jni().toString());
                t.problem().ifPresent(p -> out.put("problem", p));
            } else {
                out.put("libtorch", "bundled");
            }
            if (!out.containsKey("problem")) {
                Map<String, String> report = EngineReport.collect();
                out.put("engine", ModelRuntime.versions());
                out.put("gpus", report.get("GPUs seen by the engine"));
                report.forEach((k, v) -> {
                    if (k.startsWith("GPU ") && k.endsWith(" memory")) {
                        out.put(k, v);
                    }
                });
                out.put("cuda", report.get("CUDA available"));
            }
            if (json) {
                System.out.println(Json.write(out));
            } else {
                out.forEach((k, v) -> System.out.printf("%-12s %s%n", k, v));
                if (!"0".equals(out.getOrDefault("gpus", "0")) || !chosen.map(TorchSelection::cuda).orElse(false)) {
                    return out.containsKey("problem") ? LaminaCli.EXIT_BAD_INPUT : 0;
                }
                System.out.println("note: a CUDA libtorch, but the engine sees no GPU (no CUDA driver, or no device visible)");
            }
            return out.containsKey("problem") ? LaminaCli.EXIT_BAD_INPUT : 0;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Go back to the bundled CPU natives (PyTorch 2.5.1); the built JNI stays cached.")
    static final class Reset implements Callable<Integer> {

        @Override
        public Integer call() {
            boolean had = TorchSelection.forget(TorchSelection.configDir());
            System.out.println(had ? "forgot the installed libtorch; Lamina uses the bundled CPU natives (PyTorch 2.5.1) again"
                    : "no installed libtorch was chosen; Lamina uses the bundled CPU natives (PyTorch 2.5.1)");
            return 0;
        }
    }
}
