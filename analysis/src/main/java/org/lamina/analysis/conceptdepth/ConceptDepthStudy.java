package org.lamina.analysis.conceptdepth;

import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.ParameterMap;
import org.lamina.analysis.session.PortablePath;
import org.lamina.analysis.session.SessionException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What the panel runs as one job: the concept set probed on the open model and on further models
 * (for the overlay on relative depth), once more on the open model under a noise/precision
 * variant (spec "Robustness experiments"; a precision variant rounds the weights of its own copy of
 * the model, see {@link ConceptDepthAnalysis#run}), and the logit lens of the first transformer among
 * the models. Further models are opened and closed here.
 */
public final class ConceptDepthStudy {

    private ConceptDepthStudy() {
    }

    /**
     * What to run.
     *
     * @param conceptSet  concept-set argument ({@link ConceptSets#open})
     * @param parameters  probe parameters (clean run)
     * @param otherModels further models ({@code sample:NAME} or directories), may be empty
     * @param variant     parameters of the robustness variant, or null for none
     * @param logitLens   whether to run the logit lens (on the first model that supports it)
     * @param lensSamples images for the lens
     */
    public record Request(String conceptSet, ProbeParameters parameters, List<String> otherModels,
                         ProbeParameters variant, boolean logitLens, int lensSamples) {
        public Request {
            otherModels = List.copyOf(otherModels);
        }

        /**
         * The request as plain values (for sessions); {@link #fromMap} reads it back. A concept set
         * or model named {@code sample:NAME} stays as it is; a file or directory is written in its
         * {@link PortablePath} form.
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("conceptSet", portable(conceptSet));
            m.put("parameters", parameters.toMap());
            m.put("otherModels", otherModels.stream().map(Request::portable).toList());
            if (variant != null) {
                m.put("variant", variant.toMap());
            }
            m.put("logitLens", logitLens);
            m.put("lensSamples", lensSamples);
            return m;
        }

        /**
         * Reads {@link #toMap} output. {@code conceptSet} is required; other missing keys take the
         * panel's defaults (reference probe parameters, no other models, no variant, logit lens on,
         * 300 lens images). A missing or mistyped value, a fraction where a whole number belongs and an
         * unknown key are a {@link SessionException} that names it.
         */
        public static Request fromMap(Map<String, Object> m) {
            ParameterMap r = new ParameterMap(m, "concept-depth parameter", SessionException::new)
                    .allowOnly("conceptSet", "parameters", "otherModels", "variant", "logitLens", "lensSamples");
            String set = resolve(r.requiredString("conceptSet"));
            ParameterMap p = r.nested("parameters");
            ProbeParameters parameters = p == null ? ProbeParameters.defaults() : ProbeParameters.fromMap(p, "parameters");
            ParameterMap v = r.nested("variant");
            ProbeParameters variant = v == null ? null : ProbeParameters.fromMap(v, "variant");
            List<String> others = new ArrayList<>();
            List<?> o = r.list("otherModels");
            if (o != null) {
                for (Object e : o) {
                    others.add(resolve((String) r.typed(e, String.class, "otherModels", "a list of strings")));
                }
            }
            int lensSamples = r.wholeNumber("lensSamples", 300);
            if (lensSamples < 1) {
                throw new SessionException("concept-depth parameter 'lensSamples' must be ≥ 1, got " + lensSamples);
            }
            return new Request(set, parameters, others, variant, r.bool("logitLens", true), lensSamples);
        }

        private static String portable(String argument) {
            return argument.startsWith("sample:") ? argument : PortablePath.of(Path.of(argument));
        }

        private static String resolve(String stored) {
            return stored.startsWith(PortablePath.SAMPLES_PREFIX) ? PortablePath.resolve(stored).toString() : stored;
        }
    }

    /**
     * The study's results.
     *
     * @param runs      the open model first, then the other models (clean parameters)
     * @param variant   the open model under the variant, or null
     * @param lens      logit lens, or null
     * @param lensModel model the lens ran on, or null
     */
    public record Result(List<ProbeResult> runs, ProbeResult variant, LogitLensResult lens, String lensModel) {
    }

    /** Runs the request; {@code model} stays open (the caller owns it). */
    public static Result run(ProbeableModel model, Request request, ProgressSink progress) {
        List<ProbeResult> runs = new ArrayList<>();
        ConceptSet set = ConceptSets.open(request.conceptSet(), model.manifest().isCausalLm() ? null
                : ModelDataSets.test(model.manifest()).orElse(null), model.manifest(), null);
        runs.add(ConceptDepthAnalysis.run(model, set, request.parameters(), progress));
        LogitLensResult lens = null;
        String lensModel = null;
        if (request.logitLens() && LogitLens.supports(model.manifest())) {
            lens = LogitLens.run(model, set.dataset(), firstItems(set, request.lensSamples()),
                    request.parameters().extraction(), progress);
            lensModel = model.manifest().name();
        }
        for (String other : request.otherModels()) {
            progress.checkCancelled();
            try (ProbeableModel m = ModelLoader.open(other, ModelRuntime.DeviceChoice.AUTO)) {
                runs.add(ConceptDepthAnalysis.run(m, set, request.parameters(), progress));
                if (request.logitLens() && lens == null && LogitLens.supports(m.manifest())) {
                    lens = LogitLens.run(m, set.dataset(), firstItems(set, request.lensSamples()),
                            request.parameters().extraction(), progress);
                    lensModel = m.manifest().name();
                }
            }
        }
        ProbeResult variant = request.variant() == null ? null
                : ConceptDepthAnalysis.run(model, set, request.variant(), progress);
        return new Result(runs, variant, lens, lensModel);
    }

    private static int[] firstItems(ConceptSet set, int n) {
        return IntStream.range(0, Math.min(n, set.dataset().size())).toArray();
    }
}
