package org.lamina.analysis.data;

import java.util.List;

/**
 * A model's labels as error messages quote them: all of them up to {@value #MAX_LISTED}, else the
 * first ten and the last two with the count (issue #21, §5). A message that dumps 1000 ImageNet
 * class names buries its one useful sentence.
 */
public final class LabelListText {

    /** Most labels quoted in full. */
    public static final int MAX_LISTED = 20;

    private LabelListText() {
    }

    /** {@code [a, b, c]}, or {@code [a, …, j, …, y, z] (1000 labels)} for long lists. */
    public static String of(List<String> labels) {
        if (labels.size() <= MAX_LISTED) {
            return labels.toString();
        }
        int n = labels.size();
        return "[" + String.join(", ", labels.subList(0, 10)) + ", …, " + labels.get(n - 2) + ", " + labels.get(n - 1)
                + "] (" + n + " labels)";
    }
}
