package org.lamina.analysis.infoplane;

import java.util.Locale;
import java.util.TreeSet;

/**
 * Which epochs are logged (epoch 0 = the untrained network; the last epoch is always logged).
 * {@link #SAXE}: all of the first 20, every 5th below 100, every 20th below 2,000, every 100th
 * after (Saxe et al. 2018). {@link #LOG}: about 400 log-spaced epochs (IDNNs).
 */
public enum LoggingSchedule {
    SAXE,
    LOG;

    /** Parses {@code saxe|log}. */
    public static LoggingSchedule parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("logging schedule must be saxe or log, got '" + s + "'");
        }
    }

    /** The logged epochs for a run of {@code epochs} epochs, ascending, from 0 to {@code epochs}. */
    public int[] epochs(int epochs) {
        TreeSet<Integer> set = new TreeSet<>();
        set.add(0);
        if (this == SAXE) {
            for (int e = 1; e <= epochs; e++) {
                if (e < 20 || (e < 100 && e % 5 == 0) || (e < 2000 && e % 20 == 0) || e % 100 == 0) {
                    set.add(e);
                }
            }
        } else {
            int points = 400;
            for (int i = 0; i < points; i++) {
                set.add((int) Math.round(Math.pow(epochs, (double) i / (points - 1))));
            }
        }
        set.add(epochs);
        return set.stream().filter(e -> e <= epochs).mapToInt(Integer::intValue).toArray();
    }
}
