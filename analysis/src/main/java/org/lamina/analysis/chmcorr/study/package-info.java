/**
 * The CHM-Corr++ user study (spec "User-study mode"; the reference interface of
 * anguyen8/chm-corr-interactive, CVPR-W 2024): protocol files and their seeded generator
 * ({@link org.lamina.analysis.chmcorr.study.StudyProtocol}, {@link org.lamina.analysis.chmcorr.study.ProtocolGenerator}),
 * the append-only, fsynced JSONL log of one pseudonymous participant
 * ({@link org.lamina.analysis.chmcorr.study.StudySessionLog}), and the export of decisions and the
 * accuracy summary beside the reference study's numbers ({@link org.lamina.analysis.chmcorr.study.StudySummary}),
 * counting only logs that {@link org.lamina.analysis.chmcorr.study.StudyLogReader} has checked against
 * the protocol (its hash, conditions, decisions, timestamps; no log counted twice; torn writes reported).
 * No JavaFX here.
 */
package org.lamina.analysis.chmcorr.study;
