package org.lamina.analysis.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 of the parts of a manifest that change what a model computes: name, format, weights
 * file, architecture, input shape and normalisation, labels, probe points (name, shape,
 * startable), patch grid and the built-in network's parameters, written as canonical JSON
 * (sorted keys, no whitespace). Free text ({@code description}, {@code training},
 * {@code exporter}) is left out: editing it changes no number. Hashing the parsed manifest, not
 * the file, also makes the digest describe the manifest the model was opened with, even if
 * {@code model.json} is edited while it is open.
 *
 * <p>Caches key on it together with the weights' SHA-256, so a changed mean/std, probe point or
 * label list is a miss, never a stale hit.
 */
public final class ManifestDigest {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true);

    private ManifestDigest() {
    }

    /** Hex SHA-256 of the manifest's computation-relevant fields. */
    public static String sha256(ModelManifest m) {
        return hex(canonicalJson(m));
    }

    /** The canonical JSON that {@link #sha256} hashes. */
    public static String canonicalJson(ModelManifest m) {
        Map<String, Object> root = new TreeMap<>();
        root.put("name", m.name());
        root.put("format", m.format());
        root.put("file", m.file());
        root.put("architecture", m.architecture());
        Map<String, Object> input = new TreeMap<>();
        input.put("shape", m.input().shape());
        input.put("mean", m.input().mean());
        input.put("std", m.input().std());
        root.put("input", input);
        ImagePreprocessing pre = m.input().preprocessing();
        if (pre.recorded()) {
            // Only when recorded, so that the digest of every manifest without it stays as it was.
            Map<String, Object> p = new TreeMap<>();
            p.put("resizeShorter", pre.resizeShorter());
            p.put("centerCrop", pre.centerCrop());
            p.put("interpolation", pre.interpolation().manifestName());
            root.put("preprocessing", p);
        }
        root.put("labels", m.labels());
        List<Map<String, Object>> points = new ArrayList<>();
        for (ProbePoint p : m.probePoints()) {
            Map<String, Object> e = new TreeMap<>();
            e.put("name", p.name());
            e.put("shape", p.shape());
            e.put("startable", p.startable());
            points.add(e);
        }
        root.put("probePoints", points);
        root.put("patchGrid", m.patchGrid().orElse(null));
        root.put("network", m.network() == null ? null : CANONICAL.convertValue(m.network(), Object.class));
        try {
            return CANONICAL.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the manifest of " + m.name() + " as JSON", e);
        }
    }

    private static String hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }
}
