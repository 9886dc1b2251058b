package org.lamina.analysis.conceptdepth;

import org.lamina.analysis.data.DataException;
import org.lamina.analysis.data.Dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The texts of a text concept set (issue #19): every distinct text any concept uses, once, in
 * first-mention order; a concept's items index this list, so a text shared by two concepts (a
 * concept and its random-label control) is run through the model once. A language model reads
 * {@link #texts()}; there are no pixel samples, so {@link #sample} refuses.
 *
 * @param name  the concept set's name, for provenance
 * @param texts the texts
 */
public record TextConceptData(String name, List<String> texts) implements Dataset {

    public TextConceptData {
        texts = List.copyOf(texts);
    }

    @Override
    public int size() {
        return texts.size();
    }

    /** No fixed shape: a text is as long as its tokens ({@code [0]} marks "text"). */
    @Override
    public long[] sampleShape() {
        return new long[] {0};
    }

    @Override
    public int label(int i) {
        return 0;
    }

    @Override
    public List<String> classNames() {
        return List.of("text");
    }

    @Override
    public float[] sample(int i) {
        throw new DataException("concept set '" + name + "' holds texts, not images: item " + i + " is \""
                + texts.get(i) + "\"; a text concept set needs a language model (model.json \"kind\": \"causal-lm\")");
    }

    @Override
    public String describeItem(int i) {
        return "text " + i + " \"" + texts.get(i) + "\"";
    }

    /** SHA-256 of the texts (length-prefixed UTF-8, in order): what feature caches key on. */
    @Override
    public String contentIdentity() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String t : texts) {
                byte[] b = t.getBytes(StandardCharsets.UTF_8);
                d.update(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
                d.update(b);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String labelMapping() {
        return "text concept set (labels per concept from its CSV or rule)";
    }
}
