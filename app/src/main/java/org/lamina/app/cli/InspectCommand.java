package org.lamina.app.cli;

import org.lamina.analysis.data.LabelListText;
import org.lamina.analysis.model.ImagePreprocessing;
import org.lamina.analysis.model.LanguageModelSpec;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code lamina inspect MODEL}: manifest, probe points, parameters, device. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Open a model and show its manifest, probe points with shapes, parameter count and device.")
final class InspectCommand implements Runnable {

    @Parameters(paramLabel = "MODEL", description = "Model directory or sample:NAME.")
    String model;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Mixin
    DeviceOption device;

    @Override
    public void run() {
        try (ProbeableModel m = ModelLoader.open(model, device.choice())) {
            ModelManifest mf = m.manifest();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", mf.name());
            out.put("description", mf.description());
            out.put("directory", mf.directory().toString());
            out.put("kind", mf.kind());
            out.put("format", mf.format());
            out.put("architecture", mf.architecture());
            out.put("file", mf.file());
            out.put("sha256", m.weightsSha256());
            out.put("parameters", m.parameterCount());
            out.put("device", m.device().toString());
            out.put("engine", ModelRuntime.versions());
            LanguageModelSpec lm = mf.languageModel();
            if (lm != null) {
                out.put("vocabSize", lm.vocabSize());
                out.put("maxLength", lm.maxLength());
                out.put("blocks", lm.blocks());
                out.put("hiddenSize", lm.hiddenSize());
                Map<String, Object> tm = new LinkedHashMap<>();
                tm.put("file", lm.tokenizer().file());
                tm.put("bosId", lm.tokenizer().bosId().isPresent() ? lm.tokenizer().bosId().getAsLong() : null);
                tm.put("eosId", lm.tokenizer().eosId().isPresent() ? lm.tokenizer().eosId().getAsLong() : null);
                tm.put("padId", lm.tokenizer().padId());
                tm.put("addBos", lm.tokenizer().addBos());
                out.put("tokenizer", tm);
            } else {
                out.put("inputShape", mf.input().shape());
                out.put("mean", mf.input().mean());
                out.put("std", mf.input().std());
            }
            if (mf.input().isImage()) {
                ImagePreprocessing pre = mf.input().preprocessing();
                Map<String, Object> pm = new LinkedHashMap<>();
                if (pre.recorded()) {
                    pm.put("resizeShorter", pre.resizeShorter());
                    pm.put("centerCrop", pre.centerCrop());
                    pm.put("interpolation", pre.interpolation().manifestName());
                } else {
                    pm.put("otherSizes", "stretched (Java2D bilinear)");
                }
                pm.put("description", pre.describe(mf.input().shape()));
                out.put("preprocessing", pm);
            }
            if (lm == null) {
                out.put("labels", mf.labels());
            }
            mf.patchGrid().ifPresent(g -> out.put("patchGrid", g));
            List<Map<String, Object>> points = new ArrayList<>();
            for (ProbePoint p : mf.probePoints()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("name", p.name());
                pm.put("shape", p.shape());
                pm.put("startable", p.startable());
                points.add(pm);
            }
            out.put("probePoints", points);
            out.put("training", mf.training());
            if (json) {
                System.out.println(Json.write(out));
                return;
            }
            System.out.printf("%s — %s%n", mf.name(), mf.description());
            System.out.printf("  format       %s (%s), %s%n", mf.format(), mf.architecture(), mf.weightsFile());
            System.out.printf("  sha256       %s%n", m.weightsSha256());
            System.out.printf("  parameters   %,d%n", m.parameterCount());
            System.out.printf("  device       %s   (%s)%n", m.device(), ModelRuntime.versions());
            if (lm != null) {
                var t = lm.tokenizer();
                System.out.printf("  kind         causal-lm: token ids [batch, seq], seq <= %d (maxLength), right-padded%n",
                        lm.maxLength());
                System.out.printf("  vocabulary   %,d tokens; tokenizer %s (bos %s, eos %s, pad %d, add BOS: %s)%n",
                        lm.vocabSize(), t.file(), t.bosId().isPresent() ? t.bosId().getAsLong() : "none",
                        t.eosId().isPresent() ? t.eosId().getAsLong() : "none", t.padId(), t.addBos() ? "yes" : "no");
                System.out.printf("  blocks       %d, hidden size %d; logits [seq, %d]%n", lm.blocks(), lm.hiddenSize(),
                        lm.vocabSize());
            } else {
                System.out.printf("  input        %s, mean %s, std %s%n", Arrays.toString(mf.input().shape()),
                        Arrays.toString(mf.input().mean()), Arrays.toString(mf.input().std()));
            }
            if (mf.input().isImage()) {
                System.out.printf("  preprocess   %s%n", mf.input().preprocessing().describe(mf.input().shape()));
            }
            if (lm == null) {
                // 1000 ImageNet names would fill the screen: abbreviated as everywhere else (--json lists all).
                System.out.printf("  labels       %s%n", LabelListText.of(mf.labels()));
            }
            mf.patchGrid().ifPresent(g -> System.out.printf("  patch grid   %d x %d%n", g[0], g[1]));
            mf.recordedTestAccuracy().ifPresent(a -> System.out.printf("  test acc.    %.2f%% (%s)%n", 100 * a,
                    mf.training().getOrDefault("testData", "recorded at training")));
            System.out.printf("  probe points (%d)%s:%n", mf.probePoints().size(), lm != null ? ", shapes per row, seq = sequence length" : "");
            for (ProbePoint p : mf.probePoints()) {
                String shape = Arrays.toString(p.shape());
                if (lm != null) {
                    shape = shape.replace("-1", "seq");
                }
                System.out.printf("    %-24s %-16s %s%n", p.name(), shape, p.startable() ? "startable" : "");
            }
        }
    }
}
