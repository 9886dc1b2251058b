package org.lamina.bench;

import org.lamina.analysis.chmcorr.ChmcorrClassifier;
import org.lamina.analysis.chmcorr.ChmcorrParameters;
import org.lamina.analysis.chmcorr.CosineKnn;
import org.lamina.analysis.chmcorr.Decision;
import org.lamina.analysis.chmcorr.FeatureGrid;
import org.lamina.analysis.chmcorr.GalleryIndex;
import org.lamina.analysis.chmcorr.GalleryIndexCache;
import org.lamina.analysis.chmcorr.QueryEvidence;
import org.lamina.analysis.chmcorr.Shortlist;
import org.lamina.analysis.chmcorr.SpatialFeatures;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Case {@code chmcorr} (issue #10, "Performance"): on fashion-cnn (stage3, G = 7) with all 20,000
 * images of sample:fashion-train as gallery (index cached under {@code -Dlamina.cacheDir}):
 * <ul>
 *   <li>{@code shortlist}: exact cosine kNN, N = 50 of 20,000 (target &lt; 50 ms);</li>
 *   <li>{@code redecideAfterEdit}: toggle one cell of the user map and re-decide N = 50 from the
 *       cached correspondences (target &lt; 1 ms; sample mode gives median and p99);</li>
 *   <li>{@code queryEndToEnd}: query features + shortlist + feature maps and correspondences of the
 *       50 exemplars (the only network work per query), on CPU; {@code exemplarFeatures} and
 *       {@code correspondences} are its two main parts.</li>
 * </ul>
 * Java only: the reference (CHM-Corr, CHMNet on GPU) has no CPU twin to compare with.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChmcorrBenchmark {

    private ProbeableModel model;
    private ChmcorrClassifier classifier;
    private GalleryIndex index;
    private float[] queryInput;
    private float[] queryPooled;
    private QueryEvidence evidence;
    private float[] userMap;
    private int cell;
    private SpatialFeatures features;
    private Dataset gallery;
    private FeatureGrid query;
    private Shortlist shortlist;
    private FeatureGrid[] exemplars;

    @Setup(Level.Trial)
    public void load() {
        ModelRuntime.engine();
        model = ModelLoader.open("sample:fashion-cnn", ModelRuntime.DeviceChoice.CPU);
        ModelManifest mf = model.manifest();
        features = new SpatialFeatures(model, null);
        gallery = SampleData.open("sample:fashion-train", mf.input().shape());
        index = GalleryIndexCache.defaultCache().loadOrBuild(features, gallery, gallery.size(), ProgressSink.none());
        classifier = new ChmcorrClassifier(features, index, gallery, ChmcorrParameters.defaults());
        Dataset test = SampleData.open("sample:fashion-test", mf.input().shape());
        queryInput = ImageInput.normalise(test.sample(12).clone(), mf.input().channels(), mf.input().mean(), mf.input().std());
        FeatureGrid q = features.ofNormalisedInput(queryInput);
        queryPooled = q.pooled();
        evidence = classifier.query(q);
        query = q;
        shortlist = evidence.shortlist();
        exemplars = features.ofItems(gallery, shortlist.galleryIndices());
        userMap = new float[evidence.grid() * evidence.grid()];
        for (int c = 7; c < 28; c++) {
            userMap[c] = 1;
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        model.close();
    }

    @Benchmark
    public Shortlist shortlist() {
        return CosineKnn.shortlist(index, queryPooled, 50);
    }

    @Benchmark
    public Decision redecideAfterEdit() {
        cell = (cell + 1) % userMap.length;
        userMap[cell] = 1 - userMap[cell];
        return evidence.decide(userMap);
    }

    /** Part of queryEndToEnd: the network pass over the 50 shortlisted exemplars. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public FeatureGrid[] exemplarFeatures() {
        return features.ofItems(gallery, shortlist.galleryIndices());
    }

    /** Part of queryEndToEnd: MNN matching + CC maps for the 50 (no network). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public QueryEvidence correspondences() {
        return ChmcorrClassifier.evidence(query, shortlist, exemplars, classifier.matcher(), 0.55,
                index.classNames().size(), 20);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public QueryEvidence queryEndToEnd() {
        return classifier.query(queryInput);
    }
}
