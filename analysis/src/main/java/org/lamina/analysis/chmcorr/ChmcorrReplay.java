package org.lamina.analysis.chmcorr;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.explorer.ExplorerParameters;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.PortablePath;
import org.lamina.analysis.session.ReplayableAnalysis;
import org.lamina.analysis.session.SessionException;

import java.util.List;
import java.util.Map;

/**
 * Redoes a CHM-Corr++ decision recorded in a session (query, settings, the user's map) on the
 * session's model and returns the explanation figure the CLI exports. The gallery index comes
 * from {@link GalleryIndexCache#defaultCache()}.
 */
public final class ChmcorrReplay implements ReplayableAnalysis {

    /** The method name sessions record. */
    public static final String METHOD = "chmcorr";

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public void validate(Map<String, Object> parameters) {
        ChmcorrSessionParameters.fromMap(parameters);
    }

    @Override
    public void validate(ProbeableModel model, Map<String, Object> parameters) {
        ChmcorrSessionParameters p = ChmcorrSessionParameters.fromMap(parameters);
        checkAgainst(p, model, new SpatialFeatures(model, p.point()));
    }

    /** The recorded map must fit the model's grid and the query must be an item of its set. */
    private static void checkAgainst(ChmcorrSessionParameters p, ProbeableModel model, SpatialFeatures features) {
        ModelManifest mf = model.manifest();
        if (p.map() != null && p.mapGrid() != features.grid()) {
            throw new SessionException("chmcorr analysis: the recorded map is " + p.mapGrid() + "×" + p.mapGrid()
                    + " but model '" + mf.name() + "' has a " + features.grid() + "×" + features.grid() + " feature grid");
        }
        if (p.querySet() != null) {
            Dataset qs = SampleData.open(p.querySet(), mf.input(), mf.labels(), null);
            if (p.queryIndex() >= qs.size()) {
                throw new SessionException("chmcorr analysis: 'queryIndex' " + p.queryIndex() + " is outside '" + p.querySet()
                        + "' (images 0 … " + (qs.size() - 1) + ")");
            }
        }
    }

    @Override
    public List<Figure> replay(ProbeableModel model, Map<String, Object> parameters, ProgressSink progress) {
        ChmcorrSessionParameters p = ChmcorrSessionParameters.fromMap(parameters);
        ModelManifest mf = model.manifest();
        SpatialFeatures features = new SpatialFeatures(model, p.point());
        checkAgainst(p, model, features);
        Dataset galleryData = SampleData.open(p.gallery(), mf.input(), mf.labels(), null);
        GalleryIndex index = GalleryIndexCache.defaultCache().loadOrBuild(features, galleryData,
                Math.min(p.gallerySize(), galleryData.size()), progress);
        ChmcorrClassifier classifier = new ChmcorrClassifier(features, index, galleryData, p.settings());

        ChmcorrFigure.Picture picture;
        if (p.querySet() != null) {
            Dataset qs = SampleData.open(p.querySet(), mf.input(), mf.labels(), null);
            long[] s = qs.sampleShape();
            picture = new ChmcorrFigure.Picture(qs.sample(p.queryIndex()), (int) s[0], (int) s[1], (int) s[2]);
        } else {
            long[] s = mf.input().shape();
            picture = new ChmcorrFigure.Picture(ExplorerParameters.pixelsOf(PortablePath.resolve(p.queryFile()), mf),
                    (int) s[0], (int) s[1], (int) s[2]);
        }
        float[] normalised = ImageInput.normalise(picture.pixels().clone(), mf.input().channels(), mf.input().mean(),
                mf.input().std());
        progress.message("correspondences for " + p.settings().shortlist() + " exemplars");
        QueryEvidence ev = classifier.query(normalised);
        float[] userMap = p.map();
        Decision d = ev.decide(userMap);
        return List.of(ChmcorrFigure.of(ev, d, userMap, picture, gi -> {
            long[] sh = galleryData.sampleShape();
            return new ChmcorrFigure.Picture(galleryData.sample(gi), (int) sh[0], (int) sh[1], (int) sh[2]);
        }, index.classNames(), p.settings()));
    }
}
