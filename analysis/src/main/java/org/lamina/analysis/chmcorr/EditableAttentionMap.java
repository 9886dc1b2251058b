package org.lamina.analysis.chmcorr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CHM-Corr++ user map on the G×G grid: starts EMPTY (as the reference), painted with a square
 * brush, erased, reset to empty or to a CC mask; binary (cells 0/1, the reference) or continuous
 * (weights in [0, 1], Lamina's extension). Undo/redo keep {@link MapEdit}s, so the history is
 * plain data. Not thread-safe: one UI thread edits it.
 */
public final class EditableAttentionMap {

    private final int grid;
    private final float[] weights;
    private final Deque<MapEdit> done = new ArrayDeque<>();
    private final Deque<MapEdit> undone = new ArrayDeque<>();
    private boolean binary = true;
    private Map<Integer, float[]> stroke;
    private String strokeKind;

    public EditableAttentionMap(int grid) {
        if (grid < 1) {
            throw new IllegalArgumentException("grid must be at least 1, got " + grid);
        }
        this.grid = grid;
        this.weights = new float[grid * grid];
    }

    public int grid() {
        return grid;
    }

    /** A copy of the current weights. */
    public float[] weights() {
        return weights.clone();
    }

    public boolean isEmpty() {
        return QueryEvidence.isEmpty(weights);
    }

    public boolean binary() {
        return binary;
    }

    /** Binary mode paints 1; continuous mode paints the given strength. Existing values are kept. */
    public void setBinary(boolean binary) {
        this.binary = binary;
    }

    /** Starts a drag: every paint/erase until {@link #endStroke()} becomes one undo step. */
    public void beginStroke(String kind) {
        endStroke();
        stroke = new LinkedHashMap<>();
        strokeKind = kind;
    }

    /** Ends the current drag, recording it (if it changed anything). */
    public void endStroke() {
        if (stroke == null) {
            return;
        }
        Map<Integer, float[]> s = stroke;
        stroke = null;
        int[] cells = new int[s.size()];
        float[] before = new float[s.size()];
        float[] after = new float[s.size()];
        int n = 0;
        for (Map.Entry<Integer, float[]> e : s.entrySet()) {
            if (e.getValue()[0] != weights[e.getKey()]) {
                cells[n] = e.getKey();
                before[n] = e.getValue()[0];
                after[n] = weights[e.getKey()];
                n++;
            }
        }
        if (n > 0) {
            record(new MapEdit(strokeKind, java.util.Arrays.copyOf(cells, n), java.util.Arrays.copyOf(before, n),
                    java.util.Arrays.copyOf(after, n)));
        }
    }

    /**
     * Paints a square brush of {@code size} cells centred on (row, col) with {@code strength}
     * (ignored in binary mode, which paints 1). Inside a stroke it joins the stroke.
     */
    public void paint(int row, int col, int size, float strength) {
        brush(row, col, size, binary ? 1f : checkWeight(strength), "paint");
    }

    /** Sets the brush's cells to 0. */
    public void erase(int row, int col, int size) {
        brush(row, col, size, 0f, "erase");
    }

    /** Clears every cell (one undo step). */
    public void resetEmpty() {
        setAll(new float[weights.length], "reset-empty");
    }

    /** Replaces the map with a CC mask or map (values must lie in [0, 1]). */
    public void resetTo(float[] values) {
        setAll(values, "reset-cc");
    }

    /** Sets every cell (e.g. a map loaded from a file); one undo step. */
    public void setAll(float[] values, String kind) {
        if (values.length != weights.length) {
            throw new IllegalArgumentException("map has " + values.length + " cells, expected " + grid + "x" + grid);
        }
        endStroke();
        List<Integer> changed = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            checkWeight(values[i]);
            if (values[i] != weights[i]) {
                changed.add(i);
            }
        }
        if (changed.isEmpty()) {
            return;
        }
        int[] cells = changed.stream().mapToInt(Integer::intValue).toArray();
        float[] before = new float[cells.length];
        float[] after = new float[cells.length];
        for (int n = 0; n < cells.length; n++) {
            before[n] = weights[cells[n]];
            after[n] = values[cells[n]];
            weights[cells[n]] = after[n];
        }
        record(new MapEdit(kind, cells, before, after));
    }

    public boolean canUndo() {
        return stroke == null && !done.isEmpty();
    }

    public boolean canRedo() {
        return stroke == null && !undone.isEmpty();
    }

    /** Reverts the last edit; false when there is none. */
    public boolean undo() {
        endStroke();
        if (done.isEmpty()) {
            return false;
        }
        MapEdit e = done.pop();
        for (int n = 0; n < e.cells().length; n++) {
            weights[e.cells()[n]] = e.before()[n];
        }
        undone.push(e);
        return true;
    }

    /** Re-applies the last undone edit; false when there is none. */
    public boolean redo() {
        endStroke();
        if (undone.isEmpty()) {
            return false;
        }
        MapEdit e = undone.pop();
        apply(e);
        done.push(e);
        return true;
    }

    /** The applied edits, oldest first (undone ones excluded). */
    public List<MapEdit> history() {
        List<MapEdit> h = new ArrayList<>(done);
        java.util.Collections.reverse(h);
        return h;
    }

    /** A map rebuilt from an edit list (e.g. a study log), starting empty. */
    public static EditableAttentionMap replay(int grid, List<MapEdit> edits) {
        EditableAttentionMap m = new EditableAttentionMap(grid);
        for (MapEdit e : edits) {
            m.apply(e);
            m.done.push(e);
        }
        return m;
    }

    private void apply(MapEdit e) {
        for (int n = 0; n < e.cells().length; n++) {
            weights[e.cells()[n]] = e.after()[n];
        }
    }

    private void record(MapEdit e) {
        done.push(e);
        undone.clear();
    }

    private void brush(int row, int col, int size, float value, String kind) {
        if (size < 1) {
            throw new IllegalArgumentException("brush size must be at least 1, got " + size);
        }
        boolean own = stroke == null;
        if (own) {
            beginStroke(kind);
        }
        int lo = -(size - 1) / 2;
        for (int dr = lo; dr < lo + size; dr++) {
            for (int dc = lo; dc < lo + size; dc++) {
                int r = row + dr;
                int c = col + dc;
                if (r < 0 || c < 0 || r >= grid || c >= grid) {
                    continue;
                }
                int i = r * grid + c;
                stroke.putIfAbsent(i, new float[] {weights[i]});
                weights[i] = value;
            }
        }
        if (own) {
            endStroke();
        }
    }

    private static float checkWeight(float w) {
        if (!(w >= 0 && w <= 1)) {
            throw new IllegalArgumentException("map weights must lie in [0, 1], got " + w);
        }
        return w;
    }
}
