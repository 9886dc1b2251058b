package org.lamina.analysis.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which of the model's classes each class sub-folder of an image folder holds. Sorted folder
 * position (torchvision's ImageFolder) is never used: a tree named after Fashion-MNIST's labels
 * sorts "Ankle boot" first, and taking it as class 0 (T-shirt/top) gives a confident 33 %.
 * In order:
 * <ol>
 *   <li>{@code file:map.csv} — an explicit map ({@link LabelMapCsv}) when the user gives one; every
 *       folder must be in it.</li>
 *   <li>{@code by-name} — every folder's name is one of the model's labels, compared with
 *       {@link #key}: case-insensitive, surrounding whitespace ignored, and {@code _}, {@code /},
 *       {@code \} and {@code :} treated as a space (folder names cannot hold {@code /} and often
 *       avoid spaces, so {@code T-shirt_top} is "T-shirt/top" and {@code ankle_boot} is "Ankle boot").</li>
 *   <li>{@code by-index} — every folder's name is an integer 0 … K−1 and is taken as that class
 *       index (by its value: folder {@code 10} is class 10, although it sorts before {@code 2}).</li>
 *   <li>{@code by-wnid-label} or {@code synset:LOC_synset_mapping.txt} — every folder is a WordNet id
 *       (ImageNet's layout, {@code n01440764}): matched to labels that start with that id, else
 *       through ILSVRC's synset file in the folder or its parent ({@link SynsetMapping}). The
 *       synset file may also be given instead of a map ({@code --labels LOC_synset_mapping.txt}:
 *       a file whose first line reads {@code nXXXXXXXX description}).</li>
 *   <li>Anything else is refused with the unmatched folder names and the model's labels.</li>
 * </ol>
 * Several folders may name the same class; a model with two labels that compare equal cannot be
 * matched by name (refused, naming them).
 *
 * @param description {@code by-name}, {@code by-index}, {@code by-wnid-label}, {@code synset:NAME} or
 *                    {@code file:NAME}, recorded in every output
 * @param classOf     folder name → the model's class index
 */
public record ClassFolderMapping(String description, Map<String, Integer> classOf) {

    /** Mapping of folder names that match the model's labels. */
    public static final String BY_NAME = "by-name";
    /** Mapping of folder names that are class indices. */
    public static final String BY_INDEX = "by-index";

    public ClassFolderMapping {
        classOf = Map.copyOf(classOf);
    }

    /**
     * Decides the mapping of {@code folders} (names of {@code root}'s sub-folders) to
     * {@code modelLabels}, from {@code labelMap} when it is not {@code null}.
     */
    public static ClassFolderMapping resolve(Path root, List<String> folders, List<String> modelLabels, Path labelMap) {
        if (modelLabels.isEmpty()) {
            throw new DataException(root + ": an image folder needs the model's labels to know which class each "
                    + "sub-folder holds");
        }
        if (labelMap != null && SynsetMapping.looksLikeSynsetFile(labelMap)) {
            return SynsetMapping.throughFile(root, folders, modelLabels, labelMap);
        }
        if (labelMap != null) {
            Map<String, Integer> fromFile = LabelMapCsv.read(labelMap, modelLabels);
            Map<String, Integer> out = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (String f : folders) {
                Integer c = fromFile.get(key(f));
                if (c == null) {
                    missing.add(f);
                } else {
                    out.put(f, c);
                }
            }
            if (!missing.isEmpty()) {
                throw new DataException(labelMap + ": does not map the folder(s) " + quoted(missing) + " of " + root
                        + " (add a line 'folder,label' for each; label = one of " + LabelListText.of(modelLabels) + " or an index 0 … "
                        + (modelLabels.size() - 1) + ")");
            }
            return new ClassFolderMapping("file:" + labelMap.getFileName(), out);
        }
        Map<String, Integer> labelKeys = new LinkedHashMap<>();
        List<String> ambiguous = new ArrayList<>();
        for (int i = 0; i < modelLabels.size(); i++) {
            Integer before = labelKeys.putIfAbsent(key(modelLabels.get(i)), i);
            if (before != null) {
                ambiguous.add("'" + modelLabels.get(before) + "' and '" + modelLabels.get(i) + "'");
            }
        }
        Map<String, Integer> byName = new LinkedHashMap<>();
        List<String> unmatched = new ArrayList<>();
        for (String f : folders) {
            Integer c = labelKeys.get(key(f));
            if (c == null) {
                unmatched.add(f);
            } else {
                byName.put(f, c);
            }
        }
        if (unmatched.isEmpty() && ambiguous.isEmpty()) {
            return new ClassFolderMapping(BY_NAME, byName);
        }
        Map<String, Integer> byIndex = new LinkedHashMap<>();
        for (String f : folders) {
            String t = f.strip();
            if (t.matches("\\d{1,9}") && Integer.parseInt(t) < modelLabels.size()) {
                byIndex.put(f, Integer.parseInt(t));
            }
        }
        if (byIndex.size() == folders.size()) {
            return new ClassFolderMapping(BY_INDEX, byIndex);
        }
        if (folders.stream().allMatch(SynsetMapping::isWnid)) {
            ClassFolderMapping byWnid = SynsetMapping.throughLabels(root, folders, modelLabels);
            if (byWnid != null) {
                return byWnid;
            }
            Path synsets = SynsetMapping.find(root);
            if (synsets != null) {
                return SynsetMapping.throughFile(root, folders, modelLabels, synsets);
            }
            throw new DataException(root + ": the class folders are WordNet ids (ImageNet layout, e.g. '"
                    + folders.get(0) + "') but the model's labels are not, and there is no " + SynsetMapping.FILE_NAME
                    + " in the folder or its parent; put it there or give --labels " + SynsetMapping.FILE_NAME
                    + " (lines 'n01440764 tench, Tinca tinca') or --labels map.csv");
        }
        if (!ambiguous.isEmpty()) {
            throw new DataException(root + ": the model's labels " + String.join(", ", ambiguous) + " cannot be told "
                    + "apart by folder name; give --labels map.csv (lines 'folder,label' with label an index 0 … "
                    + (modelLabels.size() - 1) + ")");
        }
        throw new DataException(root + ": the class folder(s) " + quoted(unmatched) + " match none of the model's labels "
                + LabelListText.of(modelLabels) + " (compared ignoring case and surrounding spaces, with _ as a space), and the folders are "
                + "not all class indices 0 … " + (modelLabels.size() - 1) + "; rename them or give --labels map.csv "
                + "(lines 'folder,label', label = a label or an index)");
    }

    /**
     * The comparison key of a folder or label name: lower case (root locale), {@code _ / \ :} and
     * runs of whitespace as one space, stripped.
     */
    public static String key(String name) {
        return name.replaceAll("[_/\\\\:\\s]+", " ").strip().toLowerCase(Locale.ROOT);
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").toList().toString();
    }
}
