package org.lamina.app.cli;

import org.lamina.analysis.chmcorr.ChmcorrClassifier;
import org.lamina.analysis.chmcorr.ChmcorrParameters;
import org.lamina.analysis.chmcorr.GalleryIndex;
import org.lamina.analysis.chmcorr.GalleryIndexCache;
import org.lamina.analysis.chmcorr.SpatialFeatures;
import org.lamina.analysis.chmcorr.study.ProtocolGenerator;
import org.lamina.analysis.chmcorr.study.StudyLogReader;
import org.lamina.analysis.chmcorr.study.StudyProtocol;
import org.lamina.analysis.chmcorr.study.StudySummary;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ManifestReader;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbeableModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code lamina study new|export|summary}: CHM-Corr++ user-study protocols and the participants' logs
 * (spec "User-study mode"). Sessions themselves run in the workbench's CHM-Corr++ panel (study mode).
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "CHM-Corr++ user study: make a protocol, export decisions, summarise accuracy per condition.")
final class StudyCommand {

    @Mixin
    DeviceOption device;

    @Command(name = "new", mixinStandardHelpOptions = true,
            description = "Draw a protocol: --correct images the AI (CHM-Corr) gets right and --wrong it gets wrong, seeded.")
    void create(
            @Parameters(index = "0", paramLabel = "MODEL", description = "Model directory or sample:NAME.") String model,
            @Option(names = "--gallery", description = "Gallery. Default: the model's own training set.") String gallery,
            @Option(names = "--gallery-size", paramLabel = "M", description = "First M gallery images (default: all).") Integer gallerySize,
            @Option(names = "--queries", description = "Trial images. Default: the model's own test set.") String queries,
            @Option(names = "--labels", paramLabel = "MAP.csv",
                    description = "Class of each sub-folder of an image-folder gallery or query set: lines 'folder,label'.") Path labels,
            @Option(names = "--correct", defaultValue = "10", description = "AI-correct trials. Default ${DEFAULT-VALUE}.") int correct,
            @Option(names = "--wrong", defaultValue = "10", description = "AI-wrong trials. Default ${DEFAULT-VALUE}.") int wrong,
            @Option(names = "--conditions", defaultValue = "static,interactive", split = ",",
                    description = "static and/or interactive. Default ${DEFAULT-VALUE}.") List<String> conditions,
            @Option(names = "--seed", defaultValue = "42", description = "Seed. Default ${DEFAULT-VALUE}.") long seed,
            @Option(names = "--n", defaultValue = "50", description = "N. Default ${DEFAULT-VALUE}.") int n,
            @Option(names = "--k", defaultValue = "20", description = "K. Default ${DEFAULT-VALUE}.") int k,
            @Option(names = "--cache", paramLabel = "DIR", description = "Gallery index cache.") Path cache,
            @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "Protocol file to write.") Path out) {
        ChmcorrParameters p = new ChmcorrParameters(n, k, 0.55, "mnn", 5, 5);
        // What can be known before computing anything: the query set's size.
        ModelManifest declared = ManifestReader.read(ModelLocator.resolve(model));
        gallery = ModelDataSets.trainOr(gallery, declared, "--gallery");
        queries = ModelDataSets.testOr(queries, declared, "--queries");
        ProtocolGenerator.checkFeasible(SampleData.open(queries, declared.input(), declared.labels(), labels).size(),
                correct, wrong, "'" + queries + "'");
        try (ProbeableModel m = ModelLoader.open(model, device.choice())) {
            ModelManifest mf = m.manifest();
            SpatialFeatures features = new SpatialFeatures(m, null);
            Dataset g = SampleData.open(gallery, mf.input(), mf.labels(), labels);
            Dataset q = SampleData.open(queries, mf.input(), mf.labels(), labels);
            GalleryIndex index = (cache == null ? GalleryIndexCache.defaultCache() : new GalleryIndexCache(cache))
                    .loadOrBuild(features, g, gallerySize == null ? g.size() : gallerySize, ProgressSink.none());
            ChmcorrClassifier c = new ChmcorrClassifier(features, index, g, p);
            List<StudyProtocol.Trial> trials = ProtocolGenerator.draw(q.size(), q::label, i -> c.query(
                    ImageInput.normalise(q.sample(i).clone(), mf.input().channels(), mf.input().mean(), mf.input().std()))
                    .decide().prediction(), correct, wrong, seed);
            StudyProtocol protocol = new StudyProtocol(StudyProtocol.FORMAT, model, gallery, index.size(), queries, conditions,
                    seed, n, k, trials)
                    .validated("--conditions");
            protocol.write(out);
            System.out.println("wrote " + out + ": " + trials.size() + " trials (" + correct + " AI-correct, " + wrong
                    + " AI-wrong), conditions " + conditions + ", seed " + seed);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write the participants' decisions as CSV.")
    void export(
            @Parameters(index = "0", paramLabel = "PROTOCOL") Path protocolFile,
            @Parameters(index = "1..*", arity = "1..*", paramLabel = "LOG") List<Path> logs,
            @Option(names = "--out", required = true, paramLabel = "FILE.csv") Path out) {
        StudyProtocol protocol = checkedProtocol(protocolFile);
        List<StudySummary.DecisionRow> rows = StudySummary.decisions(protocol, read(logs, protocol));
        StudySummary.writeDecisionsCsv(rows, out);
        System.out.println("wrote " + out + ": " + rows.size() + " decisions from " + logs.size() + " log(s)");
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = "Accuracy per condition, split by AI-correct / AI-wrong, beside the reference study.")
    void summary(
            @Parameters(index = "0", paramLabel = "PROTOCOL") Path protocolFile,
            @Parameters(index = "1..*", arity = "1..*", paramLabel = "LOG") List<Path> logs,
            @Option(names = "--csv", paramLabel = "FILE.csv", description = "Also write the table as CSV.") Path csv) {
        StudyProtocol protocol = checkedProtocol(protocolFile);
        List<StudySummary.ConditionSummary> s = StudySummary.summarise(protocol,
                StudySummary.decisions(protocol, read(logs, protocol)));
        System.out.print(StudySummary.table(s));
        if (csv != null) {
            StudySummary.writeSummaryCsv(s, csv);
            System.out.println("wrote " + csv);
        }
    }

    /** Reads a protocol and refuses one naming images its query set does not have. */
    static StudyProtocol checkedProtocol(Path file) {
        StudyProtocol p = StudyProtocol.read(file);
        ModelManifest mf = ManifestReader.read(ModelLocator.resolve(p.model()));
        p.checkImages(SampleData.open(p.queries(), mf.input(), mf.labels(), null).size(), file.toString());
        return p;
    }

    /**
     * Reads and checks the logs; a write torn by a crash is not counted and said on stderr (file,
     * how many, which lines), never skipped in silence.
     */
    private static List<StudyLogReader.Events> read(List<Path> logs, StudyProtocol protocol) {
        List<StudyLogReader.Events> out = StudyLogReader.readAll(logs, protocol);
        for (StudyLogReader.Events e : out) {
            if (e.tornLines() > 0) {
                System.err.println("warning: " + e.file() + ": " + e.tornLines() + " line(s) torn by a crash mid-write, not "
                        + "counted: line " + e.tornLineNumbers().stream().map(String::valueOf).collect(
                        java.util.stream.Collectors.joining(", ")));
            }
        }
        return out;
    }
}
