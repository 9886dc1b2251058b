package org.lamina.analysis.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;

import org.lamina.analysis.engine.TorchSelection;

import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the deep-learning engine looks like in this process, for the Engine dialog and bug
 * reports: versions, where the natives live, CUDA and GPU memory, offline mode.
 */
public final class EngineReport {

    private EngineReport() {
    }

    /** Ordered name → value lines. Starts the engine if it is not running. */
    public static Map<String, String> collect() {
        Map<String, String> out = new LinkedHashMap<>();
        Engine engine = ModelRuntime.engine();
        out.put("DJL", Engine.getDjlVersion());
        out.put("Engine", engine.getEngineName() + " " + engine.getVersion());
        Optional<String> env = TorchSelection.environmentOverride();
        if (env.isPresent()) {
            out.put("libtorch", "from the environment: " + env.get() + " (wins over 'lamina torch use')");
            out.put("Natives directory", System.getenv("PYTORCH_LIBRARY_PATH") == null ? String.valueOf(Utils.getEngineCacheDir("pytorch"))
                    : System.getenv("PYTORCH_LIBRARY_PATH"));
        } else if (ModelRuntime.installedTorch().isPresent()) {
            TorchSelection t = ModelRuntime.installedTorch().get();
            out.put("libtorch", "installed (lamina torch use): " + t.given());
            out.put("Flavour", t.flavor() + ", " + t.abi() + " ABI");
            out.put("Libraries", t.libDir().toString());
            out.put("Natives directory", t.links() + " (links DJL loads)");
        } else {
            out.put("libtorch", "bundled (pytorch-native " + engine.getVersion() + "; 'lamina torch use PATH' picks another)");
            out.put("Natives directory", String.valueOf(Utils.getEngineCacheDir("pytorch")));
        }
        boolean cuda = CudaUtils.hasCuda();
        out.put("CUDA available", cuda ? "yes (CUDA " + CudaUtils.getCudaVersionString() + ")" : "no");
        int gpus = engine.getGpuCount();
        out.put("GPUs seen by the engine", Integer.toString(gpus));
        for (int i = 0; i < gpus; i++) {
            try {
                MemoryUsage mem = CudaUtils.getGpuMemory(Device.gpu(i));
                out.put("GPU " + i + " memory", String.format("%.1f of %.1f GiB used", mem.getUsed() / 1073741824.0,
                        mem.getMax() / 1073741824.0));
            } catch (RuntimeException e) {
                out.put("GPU " + i + " memory", "unknown (" + e.getMessage() + ")");
            }
        }
        out.put("Default device", gpus > 0 ? "GPU 0" : "CPU");
        out.put("Offline mode", Boolean.toString(Boolean.getBoolean("ai.djl.offline")));
        out.put("Tracking opt-out", String.valueOf(System.getProperty("OPT_OUT_TRACKING", System.getenv("OPT_OUT_TRACKING"))));
        out.put("oneDNN ISA cap", ModelRuntime.oneDnnCapped() ? System.getenv(ModelRuntime.ONEDNN_ISA_VARIABLE) : "none");
        out.put("Intra-op threads", Integer.toString(ModelRuntime.intraOpThreads()));
        out.put("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        return out;
    }
}
