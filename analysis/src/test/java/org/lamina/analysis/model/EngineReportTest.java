package org.lamina.analysis.model;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EngineReportTest {

    @Test
    void reportsVersionsOfflineModeAndDevices() {
        Map<String, String> r = EngineReport.collect();
        assertThat(r.get("DJL")).isEqualTo("0.33.0");
        assertThat(r.get("Engine")).isEqualTo("PyTorch 2.5.1");
        assertThat(r.get("Offline mode")).isEqualTo("true");
        assertThat(r).containsKeys("Natives directory", "CUDA available", "GPUs seen by the engine", "Default device");
        int gpus = Integer.parseInt(r.get("GPUs seen by the engine"));
        assertThat(r.get("Default device")).isEqualTo(gpus > 0 ? "GPU 0" : "CPU");
        assertThat(r.keySet().stream().filter(k -> k.endsWith(" memory"))).hasSize(gpus);
    }
}
