package org.lamina.analysis.chmcorr.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.lamina.analysis.job.AtomicOutput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A study protocol (spec "Protocol file"): which query images, in which order, under which
 * conditions; a participant's session runs every trial under one condition.
 *
 * @param format        {@link #FORMAT}
 * @param model         the model (directory or {@code sample:NAME})
 * @param gallery       the gallery data set
 * @param gallerySize   how many of its images (the first ones) the AI decisions used
 * @param queries       the data set the trial images come from, e.g. {@code sample:fashion-test}
 * @param conditions    {@code static} and/or {@code interactive}
 * @param seed          the seed that drew and ordered the trials
 * @param shortlist     N
 * @param k             K
 * @param trials        the trials in presentation order
 */
public record StudyProtocol(String format, String model, String gallery, int gallerySize, String queries, List<String> conditions,
                            long seed, int shortlist, int k, List<Trial> trials) {

    public static final String FORMAT = "lamina-chmcorr-study-protocol/1";
    public static final Set<String> CONDITIONS = Set.of("static", "interactive");

    /**
     * One trial.
     *
     * @param queryIndex   index of the image in {@code queries}
     * @param trueLabel    its label
     * @param aiPrediction the CHM-Corr decision when the protocol was made
     * @param aiCorrect    whether that decision was right
     */
    public record Trial(int queryIndex, int trueLabel, int aiPrediction, boolean aiCorrect) {
    }

    public StudyProtocol {
        conditions = List.copyOf(conditions);
        trials = List.copyOf(trials);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Checks fields; {@code source} names the file in messages. */
    public StudyProtocol validated(String source) {
        if (!FORMAT.equals(format)) {
            throw new StudyException(source + ": field 'format' must be '" + FORMAT + "', found '" + format + "'");
        }
        if (conditions.isEmpty() || !CONDITIONS.containsAll(conditions)) {
            throw new StudyException(source + ": field 'conditions' must list static and/or interactive, found " + conditions);
        }
        if (gallerySize < 1) {
            throw new StudyException(source + ": field 'gallerySize' must be at least 1, found " + gallerySize);
        }
        if (trials.isEmpty()) {
            throw new StudyException(source + ": field 'trials' is empty");
        }
        return this;
    }

    /** Refuses a protocol whose trials name images the query data set does not have. */
    public void checkImages(int querySetSize, String source) {
        for (int t = 0; t < trials.size(); t++) {
            int q = trials.get(t).queryIndex();
            if (q < 0 || q >= querySetSize) {
                throw new StudyException(source + ": trial " + (t + 1) + " names image " + q + " but '" + queries
                        + "' has images 0 … " + (querySetSize - 1));
            }
        }
    }

    /** The condition a participant gets when none is chosen: alternating by a hash of the id. */
    public String conditionFor(String participant) {
        return conditions.get(Math.floorMod(participant.hashCode(), conditions.size()));
    }

    /**
     * SHA-256 of the protocol's content (its compact JSON, fields in record order), not of the file:
     * every participant's log records it, and {@code study summary}/{@code export} refuse a log made
     * under another protocol — a copied or re-drawn protocol file with the same name would
     * otherwise pair decisions with the wrong trials.
     */
    public String sha256() {
        try {
            byte[] json = new ObjectMapper().writeValueAsBytes(this);
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(json));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the protocol", e);
        }
    }

    public static StudyProtocol read(Path file) {
        try {
            return MAPPER.readValue(file.toFile(), StudyProtocol.class).validated(file.toString());
        } catch (IOException e) {
            throw new StudyException(file + ": not a readable study protocol (" + e.getMessage().lines().findFirst().orElse("")
                    + ")", e);
        }
    }

    public Path write(Path file) {
        return AtomicOutput.write(file, tmp -> Files.writeString(tmp, MAPPER.writeValueAsString(this)));
    }
}
