package org.lamina.analysis.chmcorr;

/**
 * One undoable change of the user's map, as data: which cells, their values before and after.
 * A drag stroke is one edit. The list of edits replays the user's work (spec extension "the edit
 * history as a replayable list") and is what the study log records.
 *
 * @param kind   {@code paint}, {@code erase}, {@code reset-empty}, {@code reset-cc} or {@code set}
 * @param cells  changed cells ({@code row * G + col})
 * @param before values before, aligned with cells
 * @param after  values after, aligned with cells
 */
public record MapEdit(String kind, int[] cells, float[] before, float[] after) {

    public MapEdit {
        if (cells.length != before.length || cells.length != after.length) {
            throw new IllegalArgumentException("cells, before and after differ in length");
        }
    }
}
