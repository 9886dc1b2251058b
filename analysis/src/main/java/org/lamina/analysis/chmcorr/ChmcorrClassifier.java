package org.lamina.analysis.chmcorr;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.model.ModelException;

import java.util.ArrayList;
import java.util.List;

/**
 * CHM-Corr for one model and gallery: builds the {@link QueryEvidence} of a query — the only step
 * that runs the network (query features, then the N exemplars' feature maps) — from which every
 * decision, default or with a user map, follows without another pass.
 */
public final class ChmcorrClassifier {

    private final SpatialFeatures features;
    private final GalleryIndex gallery;
    private final Dataset galleryData;
    private final ChmcorrParameters parameters;
    private final Matcher matcher;
    private final GalleryStore store;

    /**
     * @throws ModelException when the gallery index does not belong to this model (feature
     *                        dimension or weights differ) or the gallery data is not the indexed set
     */
    public ChmcorrClassifier(SpatialFeatures features, GalleryIndex gallery, Dataset galleryData,
                             ChmcorrParameters parameters) {
        this(features, gallery, galleryData, parameters, null);
    }

    /**
     * A classifier whose exemplar feature grids come from {@code store} (issue #20) rather than
     * from running the model over the shortlisted gallery images; null runs the model.
     */
    public ChmcorrClassifier(SpatialFeatures features, GalleryIndex gallery, Dataset galleryData,
                             ChmcorrParameters parameters, GalleryStore store) {
        if (gallery.dimension() != features.channels()) {
            throw new ModelException("gallery index (" + gallery.dataset() + ", point '" + gallery.point() + "') has "
                    + gallery.dimension() + "-dimensional features but model '" + features.model().manifest().name()
                    + "' gives " + features.channels() + " at '" + features.point().name()
                    + "': rebuild the gallery index with this model");
        }
        if (!gallery.modelSha256().equals(features.model().weightsSha256())) {
            throw new ModelException("gallery index was built from weights " + abbreviate(gallery.modelSha256())
                    + " but model '" + features.model().manifest().name() + "' has weights "
                    + abbreviate(features.model().weightsSha256()) + ": rebuild the gallery index with this model");
        }
        if (gallery.size() > galleryData.size()) {
            throw new ModelException("gallery index has " + gallery.size() + " images but data set '" + galleryData.name()
                    + "' only " + galleryData.size());
        }
        this.features = features;
        this.gallery = gallery;
        this.galleryData = galleryData;
        this.parameters = parameters;
        this.matcher = Matcher.parse(parameters.matcher());
        this.store = store;
    }

    /** Feature grids of gallery items in the order given: from the gallery store when there is one, else the model. */
    public FeatureGrid[] exemplarGrids(int[] galleryItems) {
        return store != null ? store.grids(galleryItems) : features.ofItems(galleryData, galleryItems);
    }

    public SpatialFeatures features() {
        return features;
    }

    public GalleryIndex gallery() {
        return gallery;
    }

    public Dataset galleryData() {
        return galleryData;
    }

    public ChmcorrParameters parameters() {
        return parameters;
    }

    public Matcher matcher() {
        return matcher;
    }

    /** Shortlist + correspondences of a query image given as a normalised model input. */
    public QueryEvidence query(float[] normalisedInput) {
        return query(features.ofNormalisedInput(normalisedInput));
    }

    /** Shortlist + correspondences of a query's feature grid. */
    public QueryEvidence query(FeatureGrid q) {
        Shortlist s = CosineKnn.shortlist(gallery, q.pooled(), parameters.shortlist());
        FeatureGrid[] exemplars = exemplarGrids(s.galleryIndices());
        return evidence(q, s, exemplars, matcher, parameters.threshold(), gallery.classNames().size(), parameters.k());
    }

    /** The evidence from feature grids already at hand (also what the tests feed directly). */
    public static QueryEvidence evidence(FeatureGrid q, Shortlist s, FeatureGrid[] exemplars, Matcher matcher,
                                         double threshold, int classes, int k) {
        List<Correspondences> corr = new ArrayList<>();
        List<float[]> cc = new ArrayList<>();
        for (FeatureGrid e : exemplars) {
            corr.add(matcher.match(q, e));
            cc.add(CrossCorrelationMap.normalised(CrossCorrelationMap.raw(q, e)));
        }
        return new QueryEvidence(q.grid(), s, corr, cc, threshold, matcher.topFiveScale(), classes, Math.min(k, s.size()));
    }

    /** Plain kNN baseline (spec step 1): majority of the top K of the shortlist in kNN order. */
    public static MajorityVote.Outcome knnVote(Shortlist s, int k, int classes) {
        return MajorityVote.vote(s.labels(), Math.min(k, s.size()), classes);
    }

    private static String abbreviate(String sha) {
        return sha.substring(0, Math.min(12, sha.length())) + "…";
    }
}
