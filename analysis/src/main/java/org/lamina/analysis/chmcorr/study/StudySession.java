package org.lamina.analysis.chmcorr.study;

import org.lamina.analysis.chmcorr.Decision;
import org.lamina.analysis.chmcorr.MapEdit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One participant working through a protocol (spec "Per trial"): shows a trial, records edits and
 * re-decisions (interactive condition only), then the Accept/Reject of the ORIGINAL AI decision with
 * a confidence of 1–5. Every call is one {@link StudySessionLog} event, on disk when it returns.
 */
public final class StudySession implements AutoCloseable {

    private final StudyProtocol protocol;
    private final String condition;
    private final StudySessionLog log;
    private int trial = -1;
    private boolean decided;
    private boolean closed;

    /** Opens (or resumes) the log {@code logFile} of {@code participant} in {@code condition}. */
    public StudySession(StudyProtocol protocol, Path protocolFile, String participant, String condition, Path logFile) {
        if (!protocol.conditions().contains(condition)) {
            throw new StudyException("condition '" + condition + "' is not in the protocol's " + protocol.conditions());
        }
        this.protocol = protocol;
        this.condition = condition;
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("condition", condition);
        header.put("protocol", protocolFile == null ? "" : protocolFile.toString());
        header.put(StudyLogReader.PROTOCOL_HASH, protocol.sha256());
        header.put("trials", protocol.trials().size());
        this.log = StudySessionLog.open(logFile, participant, header);
    }

    public StudyProtocol protocol() {
        return protocol;
    }

    public String condition() {
        return condition;
    }

    public String participant() {
        return log.participant();
    }

    public java.nio.file.Path logFile() {
        return log.file();
    }

    public boolean interactive() {
        return condition.equals("interactive");
    }

    /** 0-based index of the trial shown, −1 before the first. */
    public int trial() {
        return trial;
    }

    public boolean finished() {
        return trial >= protocol.trials().size() - 1 && decided;
    }

    /** Shows trial {@code t} (its AI decision is the protocol's). */
    public void show(int t) {
        if (t < 0 || t >= protocol.trials().size()) {
            throw new StudyException("trial " + t + " outside the protocol's " + protocol.trials().size() + " trials");
        }
        trial = t;
        decided = false;
        StudyProtocol.Trial tr = protocol.trials().get(t);
        log.append("trial-shown", Map.of("trial", t, "queryIndex", tr.queryIndex(), "aiPrediction", tr.aiPrediction(),
                "condition", condition));
    }

    /** An edit of the map (interactive only). */
    public void edit(MapEdit edit) {
        requireInteractive("edit");
        log.append("edit", Map.of("trial", trial, "edit", edit));
    }

    /** A re-decision with the user's map and its result (interactive only). */
    public void redecide(Decision d) {
        requireInteractive("re-decide");
        log.append("re-decision", Map.of("trial", trial, "prediction", d.prediction(), "confidence", d.confidence(),
                "k", d.k(), "votes", d.voteCounts()));
    }

    /** Accept/reject of the original AI decision, confidence 1–5. */
    public void decide(boolean accept, int confidence) {
        if (trial < 0) {
            throw new StudyException("no trial shown yet");
        }
        if (confidence < 1 || confidence > 5) {
            throw new StudyException("confidence must be 1 … 5, got " + confidence);
        }
        log.append("final-decision", Map.of("trial", trial, "accept", accept, "confidence", confidence));
        decided = true;
    }

    private void requireInteractive(String what) {
        if (!interactive()) {
            throw new StudyException("cannot " + what + " in the static condition");
        }
        if (trial < 0) {
            throw new StudyException("no trial shown yet");
        }
    }

    /** Closes the log; safe to call twice. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            log.close();
        }
    }
}
