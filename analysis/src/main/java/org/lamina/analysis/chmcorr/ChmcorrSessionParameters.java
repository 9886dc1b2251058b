package org.lamina.analysis.chmcorr;

import org.lamina.analysis.session.ParameterMap;
import org.lamina.analysis.session.PortablePath;
import org.lamina.analysis.session.SessionException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a session records of the CHM-Corr++ panel to redo its explanation: the query (an item of
 * a data set, or an image file), the gallery, the settings and the user's edited map (G×G
 * weights in [0, 1], row 0 = top; {@code null} for the CC map). The study mode is not part of it
 * (it keeps its own logs).
 *
 * @param querySet    data set of the query, or {@code null} for an image file
 * @param queryIndex  item of {@code querySet}
 * @param queryFile   portable path of the query image ({@link PortablePath}), or {@code null}
 * @param gallery     gallery data set (e.g. {@code sample:fashion-train})
 * @param gallerySize first gallery images used, ≥ 1
 * @param settings    N, K, threshold, matcher (and the figure's shown exemplars and pairs)
 * @param map         the user's map, G·G weights row by row, or {@code null}
 * @param point       the feature-grid probe point, or {@code null} for the default
 *                    ({@link SpatialFeatures#defaultLayout}); recorded only when one was chosen
 */
public record ChmcorrSessionParameters(String querySet, int queryIndex, String queryFile, String gallery, int gallerySize,
                                       ChmcorrParameters settings, float[] map, String point) {

    /** At the default point. */
    public ChmcorrSessionParameters(String querySet, int queryIndex, String queryFile, String gallery, int gallerySize,
                                    ChmcorrParameters settings, float[] map) {
        this(querySet, queryIndex, queryFile, gallery, gallerySize, settings, map, null);
    }

    /** The same at another feature point ({@code null} = default). */
    public ChmcorrSessionParameters withPoint(String p) {
        return new ChmcorrSessionParameters(querySet, queryIndex, queryFile, gallery, gallerySize, settings, map, p);
    }

    public ChmcorrSessionParameters {
        if ((querySet == null) == (queryFile == null)) {
            throw new IllegalArgumentException("chmcorr parameters need exactly one of 'querySet' and 'queryFile'");
        }
        if (queryIndex < 0) {
            throw new IllegalArgumentException("chmcorr parameter 'queryIndex' must be at least 0, got " + queryIndex);
        }
        if (gallery == null || gallery.isBlank()) {
            throw new IllegalArgumentException("chmcorr parameters need a 'gallery'");
        }
        if (gallerySize < 1) {
            throw new IllegalArgumentException("chmcorr parameter 'gallerySize' must be at least 1, got " + gallerySize);
        }
        if (settings == null) {
            throw new IllegalArgumentException("chmcorr parameters need settings");
        }
        if (map != null) {
            map = map.clone();
            int g = (int) Math.round(Math.sqrt(map.length));
            if (map.length == 0 || g * g != map.length) {
                throw new IllegalArgumentException("chmcorr parameter 'map' must be G×G, got " + map.length + " cells");
            }
            for (float w : map) {
                if (!(w >= 0 && w <= 1)) {
                    throw new IllegalArgumentException("chmcorr parameter 'map' weights must lie in [0, 1], got " + w);
                }
            }
        }
    }

    /** Item {@code index} of the data set {@code querySet}. */
    public static ChmcorrSessionParameters ofDataSet(String querySet, int index, String gallery, int gallerySize,
                                                     ChmcorrParameters settings, float[] map) {
        return new ChmcorrSessionParameters(querySet, index, null, gallery, gallerySize, settings, map);
    }

    /** An image file as the query. */
    public static ChmcorrSessionParameters ofFile(Path image, String gallery, int gallerySize, ChmcorrParameters settings,
                                                  float[] map) {
        return new ChmcorrSessionParameters(null, 0, PortablePath.of(image), gallery, gallerySize, settings, map);
    }

    @Override
    public float[] map() {
        return map == null ? null : map.clone();
    }

    /** G of the map, or 0 without one. */
    public int mapGrid() {
        return map == null ? 0 : (int) Math.round(Math.sqrt(map.length));
    }

    /** As a session's parameter map; the map as G rows of G numbers. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (querySet != null) {
            m.put("querySet", querySet);
            m.put("queryIndex", queryIndex);
        } else {
            m.put("queryFile", queryFile);
        }
        m.put("gallery", gallery);
        m.put("gallerySize", gallerySize);
        m.put("matcher", settings.matcher());
        m.put("n", settings.shortlist());
        m.put("k", settings.k());
        m.put("threshold", settings.threshold());
        m.put("shown", settings.shown());
        m.put("pairs", settings.pairs());
        if (point != null) {
            m.put("point", point);
        }
        if (map != null) {
            int g = mapGrid();
            List<List<Double>> rows = new ArrayList<>();
            for (int r = 0; r < g; r++) {
                List<Double> row = new ArrayList<>();
                for (int c = 0; c < g; c++) {
                    row.add((double) map[r * g + c]);
                }
                rows.add(row);
            }
            m.put("map", rows);
        }
        return m;
    }

    /**
     * From a session's parameter map. Required: {@code querySet} + {@code queryIndex} or
     * {@code queryFile}, {@code gallery}, {@code gallerySize}, {@code matcher}, {@code n},
     * {@code k}, {@code threshold}; {@code shown} and {@code pairs} default to 5; {@code map} is
     * optional. A value of the wrong JSON type, a fraction where a whole number belongs and an
     * unknown key are errors that name the key.
     */
    public static ChmcorrSessionParameters fromMap(Map<String, Object> m) {
        try {
            ParameterMap r = new ParameterMap(m, "chmcorr parameter", IllegalArgumentException::new)
                    .allowOnly("querySet", "queryIndex", "queryFile", "gallery", "gallerySize", "matcher", "n", "k",
                            "threshold", "shown", "pairs", "map", "point");
            String querySet = r.string("querySet", null);
            String queryFile = r.string("queryFile", null);
            int index = querySet == null ? r.wholeNumber("queryIndex", 0) : r.requiredWholeNumber("queryIndex");
            ChmcorrParameters settings = new ChmcorrParameters(r.requiredWholeNumber("n"),
                    r.requiredWholeNumber("k"), r.requiredDecimal("threshold"), r.requiredString("matcher"),
                    r.wholeNumber("shown", 5), r.wholeNumber("pairs", 5));
            return new ChmcorrSessionParameters(querySet, index, queryFile, r.requiredString("gallery"),
                    r.requiredWholeNumber("gallerySize"), settings, map(m.get("map")), r.string("point", null));
        } catch (IllegalArgumentException e) {
            throw new SessionException("chmcorr analysis: " + e.getMessage(), e);
        }
    }

    private static float[] map(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> rows) || rows.isEmpty()) {
            throw new IllegalArgumentException("chmcorr parameter 'map' must be a list of G rows of G numbers, got " + v);
        }
        int g = rows.size();
        float[] w = new float[g * g];
        for (int r = 0; r < g; r++) {
            if (!(rows.get(r) instanceof List<?> row) || row.size() != g) {
                throw new IllegalArgumentException("chmcorr parameter 'map' must be G×G (" + g + " rows of " + g
                        + " numbers); row " + r + " is " + rows.get(r));
            }
            for (int c = 0; c < g; c++) {
                if (!(row.get(c) instanceof Number n)) {
                    throw new IllegalArgumentException("chmcorr parameter 'map' row " + r + " holds a non-number: " + row.get(c));
                }
                w[r * g + c] = n.floatValue();
            }
        }
        return w;
    }



    @Override
    public boolean equals(Object o) {
        return o instanceof ChmcorrSessionParameters p && java.util.Objects.equals(querySet, p.querySet)
                && queryIndex == p.queryIndex && java.util.Objects.equals(queryFile, p.queryFile) && gallery.equals(p.gallery)
                && gallerySize == p.gallerySize && settings.equals(p.settings) && Arrays.equals(map, p.map)
                && java.util.Objects.equals(point, p.point);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(querySet, queryIndex, queryFile, gallery, gallerySize, settings, point) * 31 + Arrays.hashCode(map);
    }

    @Override
    public String toString() {
        return "ChmcorrSessionParameters[" + (querySet != null ? querySet + " #" + queryIndex : queryFile) + ", gallery "
                + gallery + " (" + gallerySize + "), " + settings + (map == null ? ", CC map" : ", user map " + mapGrid() + "×" + mapGrid())
                + (point == null ? "" : ", point " + point) + "]";
    }
}
