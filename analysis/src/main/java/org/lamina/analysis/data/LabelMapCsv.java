package org.lamina.analysis.data;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An explicit class map for an image folder ({@code --labels map.csv}): UTF-8 lines
 * {@code folder,label}, where label is one of the model's labels (compared as
 * {@link ClassFolderMapping#key}) or a class index 0 … K−1. An optional header
 * {@code folder,label}, blank lines and lines starting with {@code #} are skipped; fields are not
 * quoted, so neither name may contain a comma. Errors name the file, the line, the field and the
 * value.
 */
public final class LabelMapCsv {

    private LabelMapCsv() {
    }

    /**
     * Reads the map.
     *
     * @return {@link ClassFolderMapping#key} of each folder → the model's class index
     */
    public static Map<String, Integer> read(Path file, List<String> modelLabels) {
        List<String> lines = Utf8Lines.read(file);
        Map<String, Integer> labelKeys = new HashMap<>();
        for (int i = modelLabels.size() - 1; i >= 0; i--) {
            labelKeys.put(ClassFolderMapping.key(modelLabels.get(i)), i);
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            int number = n + 1;
            if (line.isEmpty() || line.startsWith("#")
                    || (out.isEmpty() && line.replace(" ", "").equalsIgnoreCase("folder,label"))) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != 2) {
                throw new DataException(file + ": line " + number + ": expected 2 comma-separated fields 'folder,label', got "
                        + cells.length + " in '" + line + "'");
            }
            String folder = cells[0].strip();
            String label = cells[1].strip();
            if (folder.isEmpty()) {
                throw new DataException(file + ": line " + number + ", field folder: empty");
            }
            Integer c = labelKeys.get(ClassFolderMapping.key(label));
            if (c == null && label.matches("\\d+")) {
                if (label.length() > 9 || Integer.parseInt(label) >= modelLabels.size()) {
                    throw new DataException(file + ": line " + number + ", field label: index " + label
                            + " is outside the model's classes 0 … " + (modelLabels.size() - 1) + " " + modelLabels);
                }
                c = Integer.parseInt(label);
            }
            if (c == null) {
                throw new DataException(file + ": line " + number + ", field label: '" + label + "' is neither one of the "
                        + "model's labels " + LabelListText.of(modelLabels) + " nor an index 0 … " + (modelLabels.size() - 1));
            }
            String key = ClassFolderMapping.key(folder);
            Integer before = out.put(key, c);
            if (before != null && !before.equals(c)) {
                throw new DataException(file + ": line " + number + ": folder '" + folder + "' is mapped to "
                        + modelLabels.get(c) + " here but to " + modelLabels.get(before) + " on line " + lineOf.get(key));
            }
            lineOf.putIfAbsent(key, number);
        }
        if (out.isEmpty()) {
            throw new DataException(file + ": no 'folder,label' lines");
        }
        return out;
    }
}
