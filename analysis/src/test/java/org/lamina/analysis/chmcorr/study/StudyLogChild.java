package org.lamina.analysis.chmcorr.study;

import java.nio.file.Path;
import java.util.Map;

/**
 * Child JVM for {@link StudySessionLogTest}: appends events forever and prints {@code ack N} once
 * event N is on disk, until the parent kills it.
 */
public final class StudyLogChild {

    private StudyLogChild() {
    }

    public static void main(String[] args) {
        try (StudySessionLog log = StudySessionLog.open(Path.of(args[0]), "p-crash", Map.of("condition", "interactive"))) {
            System.out.println("ack 0");
            System.out.flush();
            String payload = "x".repeat(2000); // long lines make a torn write more likely to be observed
            for (long n = 1; ; n++) {
                log.append("edit", Map.of("trial", (int) (n % 20), "n", n, "payload", payload));
                System.out.println("ack " + n);
                System.out.flush();
            }
        }
    }
}
