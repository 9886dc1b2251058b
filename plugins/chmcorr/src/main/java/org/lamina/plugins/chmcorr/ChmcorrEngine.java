package org.lamina.plugins.chmcorr;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;

import org.lamina.analysis.chmcorr.ChmcorrClassifier;
import org.lamina.analysis.chmcorr.ChmcorrFigure;
import org.lamina.analysis.chmcorr.ChmcorrParameters;
import org.lamina.analysis.chmcorr.GalleryIndex;
import org.lamina.analysis.chmcorr.GalleryIndexCache;
import org.lamina.analysis.chmcorr.QueryEvidence;
import org.lamina.analysis.chmcorr.SpatialFeatures;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbeableModel;

/**
 * What the panel needs once per model and gallery: the classifier over a cached gallery index
 * and the query data set. Built in a job ({@link #load}); queries also run in jobs.
 */
record ChmcorrEngine(ChmcorrClassifier classifier, Dataset gallery, Dataset queries) {

    /** Opens the data sets and loads (or builds and caches) the gallery index. */
    static ChmcorrEngine load(ProbeableModel model, String gallerySet, int gallerySize, String querySet,
                              ChmcorrParameters p, ProgressSink progress) {
        return load(model, null, gallerySet, gallerySize, querySet, p, progress);
    }

    /** As {@link #load(ProbeableModel, String, int, String, ChmcorrParameters, ProgressSink)} at a feature point ({@code null} = default). */
    static ChmcorrEngine load(ProbeableModel model, String point, String gallerySet, int gallerySize, String querySet,
                              ChmcorrParameters p, ProgressSink progress) {
        ModelManifest mf = model.manifest();
        SpatialFeatures f = new SpatialFeatures(model, point);
        Dataset g = SampleData.open(gallerySet, mf.input(), mf.labels(), null);
        Dataset q = SampleData.open(querySet, mf.input(), mf.labels(), null);
        GalleryIndex index = GalleryIndexCache.defaultCache().loadOrBuild(f, g, Math.min(gallerySize, g.size()), progress);
        return new ChmcorrEngine(new ChmcorrClassifier(f, index, g, p), g, q);
    }

    /** Shortlist + correspondences of query item i (the network pass). */
    QueryEvidence query(int i) {
        ModelManifest mf = classifier.features().model().manifest();
        return classifier.query(ImageInput.normalise(queries.sample(i).clone(), mf.input().channels(), mf.input().mean(),
                mf.input().std()));
    }

    ChmcorrFigure.Picture queryPicture(int i) {
        return picture(queries, i);
    }

    ChmcorrFigure.Picture galleryPicture(int i) {
        return picture(gallery, i);
    }

    static ChmcorrFigure.Picture picture(Dataset d, int i) {
        long[] s = d.sampleShape();
        return new ChmcorrFigure.Picture(d.sample(i), (int) s[0], (int) s[1], (int) s[2]);
    }

    static Image fxImage(ChmcorrFigure.Picture p) {
        return SwingFXUtils.toFXImage(ImageInput.toImage(p.pixels(), p.channels(), p.height(), p.width()), null);
    }

    java.util.List<String> classNames() {
        return classifier.gallery().classNames();
    }
}
