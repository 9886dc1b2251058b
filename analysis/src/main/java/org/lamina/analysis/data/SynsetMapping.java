package org.lamina.analysis.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * ImageNet's layout: class folders named by WordNet id ({@code n01440764}), matched to the model's
 * labels through a synset file — ILSVRC's {@code LOC_synset_mapping.txt}, one line per class,
 * {@code n01440764 tench, Tinca tinca}, in class-index order — or through labels that start with
 * the WordNet id themselves (a model label file written from that synset file).
 *
 * <p>A folder's candidates are the labels equal (as {@link ClassFolderMapping#key}) to its synset's
 * whole description or to one of its comma-separated names. One candidate: that class. Several
 * (ImageNet has two "crane"s, n02012849 the bird and n03126707 the machine, and two "maillot"s):
 * the one at the synset's line position, if it is among them — the file's order is the class order
 * of ImageNet models — else refused. None: refused. Two folders matched to one class: refused too,
 * since one of them must be wrong. Every refusal names the folders and what they matched.
 */
public final class SynsetMapping {

    /** ILSVRC's file name, looked for in the data folder and in its parent. */
    public static final String FILE_NAME = "LOC_synset_mapping.txt";
    /** Mapping recorded when the model's labels carry the WordNet ids. */
    public static final String BY_WNID_LABEL = "by-wnid-label";

    private static final Pattern WNID = Pattern.compile("n\\d{8}");
    private static final Pattern LINE = Pattern.compile("(n\\d{8})\\s+(\\S.*)");

    /** One line: the WordNet id, its description and its 0-based line position among the synsets. */
    record Synset(String wnid, String description, int position) {
    }

    private SynsetMapping() {
    }

    /** Whether a folder name is a WordNet id ({@code n} and 8 digits). */
    public static boolean isWnid(String folder) {
        return WNID.matcher(folder).matches();
    }

    /** Whether a file's first non-blank line reads as a synset line (not a {@code folder,label} CSV). */
    public static boolean looksLikeSynsetFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        for (String line : Utf8Lines.read(file)) {
            if (!line.isBlank()) {
                return LINE.matcher(line.strip()).matches();
            }
        }
        return false;
    }

    /** The synset file in {@code root} or else in its parent, or {@code null}. */
    public static Path find(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        for (Path d : dir.getParent() == null ? List.of(dir) : List.of(dir, dir.getParent())) {
            Path f = d.resolve(FILE_NAME);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        return null;
    }

    /** Reads a synset file: every non-blank line {@code nXXXXXXXX description}, each id once. */
    static Map<String, Synset> read(Path file) {
        Map<String, Synset> out = new LinkedHashMap<>();
        List<String> lines = Utf8Lines.read(file);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) {
                continue;
            }
            var m = LINE.matcher(line);
            if (!m.matches()) {
                throw new DataException(file + ": line " + (n + 1) + ": expected 'nXXXXXXXX description' (a WordNet "
                        + "id, n and 8 digits, then the class names), got '" + abbreviate(line) + "'");
            }
            Synset before = out.putIfAbsent(m.group(1), new Synset(m.group(1), m.group(2).strip(), out.size()));
            if (before != null) {
                throw new DataException(file + ": line " + (n + 1) + ": WordNet id " + m.group(1)
                        + " appears twice (first at synset " + before.position() + ")");
            }
        }
        if (out.isEmpty()) {
            throw new DataException(file + ": no synset lines ('nXXXXXXXX description')");
        }
        return out;
    }

    /** Maps WordNet-id folders through a synset file; description {@code synset:FILE}. */
    public static ClassFolderMapping throughFile(Path root, List<String> folders, List<String> modelLabels, Path file) {
        Map<String, Synset> synsets = read(file);
        Map<String, List<Integer>> labelKeys = new HashMap<>();
        for (int i = 0; i < modelLabels.size(); i++) {
            labelKeys.computeIfAbsent(ClassFolderMapping.key(modelLabels.get(i)), k -> new ArrayList<>()).add(i);
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        List<String> ambiguous = new ArrayList<>();
        for (String f : folders) {
            Synset s = synsets.get(f.strip());
            if (s == null) {
                missing.add(f);
                continue;
            }
            TreeSet<Integer> candidates = new TreeSet<>();
            candidates.addAll(labelKeys.getOrDefault(ClassFolderMapping.key(s.description()), List.of()));
            for (String name : s.description().split(",")) {
                candidates.addAll(labelKeys.getOrDefault(ClassFolderMapping.key(name), List.of()));
            }
            if (candidates.size() == 1) {
                out.put(f, candidates.first());
            } else if (candidates.contains(s.position())) {
                out.put(f, s.position());
            } else if (candidates.isEmpty()) {
                unmatched.add(f + " (" + s.description() + ")");
            } else {
                ambiguous.add(f + " (" + s.description() + ") matches labels " + describe(candidates, modelLabels));
            }
        }
        if (!missing.isEmpty()) {
            throw new DataException(file + ": has no line for the class folder(s) " + first(missing) + " of " + root);
        }
        if (!ambiguous.isEmpty()) {
            throw new DataException(root + ": folder(s) match several of the model's labels through " + file.getFileName()
                    + ", and none of them is at the synset's line position: " + first(ambiguous)
                    + "; give --labels map.csv (lines 'folder,label' with label an index)");
        }
        if (!unmatched.isEmpty()) {
            throw new DataException(root + ": the synset(s) " + first(unmatched) + " in " + file.getFileName()
                    + " match none of the model's labels (compared with the whole description and each "
                    + "comma-separated name, ignoring case, with _ as a space); give --labels map.csv");
        }
        refuseShared(root, out, modelLabels);
        return new ClassFolderMapping("synset:" + file.getFileName(), out);
    }

    /**
     * Maps WordNet-id folders to labels that start with the id ({@code "n01440764 tench"}), or
     * {@code null} when not every folder's id is the first word of exactly one label.
     */
    static ClassFolderMapping throughLabels(Path root, List<String> folders, List<String> modelLabels) {
        Map<String, List<Integer>> byWnid = new HashMap<>();
        for (int i = 0; i < modelLabels.size(); i++) {
            String first = modelLabels.get(i).strip().split("[\\s,]+", 2)[0];
            if (isWnid(first)) {
                byWnid.computeIfAbsent(first, k -> new ArrayList<>()).add(i);
            }
        }
        if (byWnid.isEmpty()) {
            return null;
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String f : folders) {
            List<Integer> c = byWnid.get(f.strip());
            if (c == null) {
                return null;
            }
            if (c.size() > 1) {
                throw new DataException(root + ": folder " + f + " is the WordNet id of several model labels "
                        + describe(new TreeSet<>(c), modelLabels) + "; give --labels map.csv");
            }
            out.put(f, c.get(0));
        }
        return new ClassFolderMapping(BY_WNID_LABEL, out);
    }

    private static void refuseShared(Path root, Map<String, Integer> out, List<String> labels) {
        Map<Integer, String> seen = new HashMap<>();
        for (var e : out.entrySet()) {
            String other = seen.putIfAbsent(e.getValue(), e.getKey());
            if (other != null) {
                throw new DataException(root + ": folders " + other + " and " + e.getKey() + " both match label "
                        + e.getValue() + " '" + labels.get(e.getValue()) + "'; give --labels map.csv");
            }
        }
    }

    private static String describe(TreeSet<Integer> candidates, List<String> labels) {
        return candidates.stream().map(i -> i + " '" + labels.get(i) + "'").toList().toString();
    }

    private static String first(List<String> items) {
        return (items.size() > 10 ? items.subList(0, 10) + " and " + (items.size() - 10) + " more" : items.toString());
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
