package org.lamina.analysis.conceptdepth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.lamina.analysis.data.ConceptSetCsv;
import org.lamina.analysis.data.DataException;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.DatasetReference;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.data.Utf8Lines;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelManifest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Reads concept sets. Three kinds of argument:
 * <ul>
 *   <li>{@code sample:fashion-concepts}, {@code sample:mnist-concepts}: the bundled rule files in
 *       {@code sample-models/concepts/};</li>
 *   <li>a rule file {@code *.json}: {@code {"name", "dataset", "seed", "concepts": [{"name",
 *       "rule": "classes"|"intensity-above-median"|"random", "positive": [..], "negative": [..]}]}}
 *       — rules over a data set's labels or pixels, every concept balanced by seeded subsampling
 *       of its larger class;</li>
 *   <li>a CSV {@code path_or_index,label[,group]} ({@link ConceptSetCsv}): the group names the
 *       concept (one concept per group; the file name when there is no group). Items are either
 *       all indices into the data set given, or all image paths relative to the CSV.</li>
 * </ul>
 * For language models (issue #19) a set holds texts ({@link TextConceptData}): a CSV
 * {@code text,label[,group]} (RFC 4180 quoting, {@link ConceptSetCsv}) or a rule file with
 * {@code "kind": "text"} ({@link #fromTextRules}); {@code sample:lm-concepts} is the bundled one.
 * A set of the other kind than the model's is refused ({@link #checkKind}).
 * Every concept is checked with {@link Concept#validate} (two classes, ≥ 10 examples each).
 */
public final class ConceptSets {

    /** Names of the bundled concept sets. */
    public static final List<String> SAMPLES = List.of("sample:fashion-concepts", "sample:mnist-concepts",
            "sample:lm-concepts");
    /** The bundled concept sets of texts, for language models (issue #19). */
    public static final List<String> TEXT_SAMPLES = List.of("sample:lm-concepts");
    /** The bundled concept sets of images. */
    public static final List<String> IMAGE_SAMPLES = List.of("sample:fashion-concepts", "sample:mnist-concepts");

    /** The bundled concept sets a model can be probed on: text sets for a language model, image sets otherwise. */
    public static List<String> samplesFor(ModelManifest model) {
        return model != null && model.isCausalLm() ? TEXT_SAMPLES : IMAGE_SAMPLES;
    }

    private ConceptSets() {
    }

    /**
     * Opens a concept set.
     *
     * @param argument   {@code sample:NAME}, a rule {@code .json} or a {@code .csv}
     * @param dataset    data set for a CSV of indices ({@code null}: the default
     *                   {@code sample:fashion-test}); rule files name their own
     * @param imageShape {@code [c, h, w]} the model takes (images of a CSV of paths are resized to it)
     */
    public static ConceptSet open(String argument, String dataset, long[] imageShape) {
        return open(argument, dataset == null ? "sample:fashion-test" : dataset, imageShape, List.of(), null);
    }

    /**
     * Opens a concept set for a model.
     *
     * @param dataset     data set for a CSV of indices (e.g. the model's own test set); {@code null}:
     *                    such a CSV is refused
     * @param modelLabels the model's labels, which an image folder's class folders are matched to
     *                    (so that a rule's class indices are the model's)
     * @param labelMap    {@code folder,label} map for an image folder, or {@code null}
     */
    public static ConceptSet open(String argument, String dataset, long[] imageShape, List<String> modelLabels,
                                  Path labelMap) {
        return open(argument, dataset, new ModelManifest.InputSpec(imageShape, new float[] {0f}, new float[] {1f}),
                modelLabels, labelMap);
    }

    /**
     * As {@link #open(String, String, long[], List, Path)} for a model's input: images of another
     * size (in an image folder or a CSV of paths) go through its recorded preprocessing.
     */
    public static ConceptSet open(String argument, String dataset, ModelManifest.InputSpec input,
                                  List<String> modelLabels, Path labelMap) {
        return open(argument, dataset, input, modelLabels, labelMap, null);
    }

    /**
     * Opens a concept set for {@code model}: a language model reads a CSV as texts
     * ({@code text,label[,group]}), any other model as image paths or indices; a set of the other
     * kind is refused with a message that names both kinds ({@link #checkKind}).
     *
     * @param dataset  data set a CSV of indices refers to (image models only; {@code null}: refused)
     * @param labelMap {@code folder,label} map for an image folder, or {@code null}
     */
    public static ConceptSet open(String argument, String dataset, ModelManifest model, Path labelMap) {
        ConceptSet set = open(argument, dataset, model.input(), model.labels(), labelMap, model.isCausalLm());
        checkKind(set, model);
        return set;
    }

    private static ConceptSet open(String argument, String dataset, ModelManifest.InputSpec input,
                                   List<String> modelLabels, Path labelMap, Boolean languageModel) {
        Path file;
        String name;
        if (argument.startsWith(ModelLocator.SAMPLE_PREFIX)) {
            if (!SAMPLES.contains(argument)) {
                throw new ConceptSetException("unknown concept set '" + argument + "'; bundled: " + SAMPLES
                        + " (text sets for language models: " + TEXT_SAMPLES + "; or give a .csv or rule .json file)");
            }
            file = ModelLocator.samplesDirectory().resolve("concepts")
                    .resolve(argument.substring(ModelLocator.SAMPLE_PREFIX.length()) + ".json");
            if (!Files.isRegularFile(file)) {
                throw new ConceptSetException(argument + ": the bundled rule file " + file + " is missing from this "
                        + "installation (bundled: " + SAMPLES + ")");
            }
            name = argument;
        } else {
            file = Path.of(argument);
            if (!Files.isRegularFile(file)) {
                throw new ConceptSetException(argument + ": concept set not found (give one of " + SAMPLES
                        + ", a .csv 'path_or_index,label[,group]' (images) or 'text,label[,group]' (language models), "
                        + "or a rule .json)");
            }
            name = file.getFileName().toString();
        }
        String lower = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".json")) {
            JsonNode root = readJson(file);
            String kind = root.path("kind").asText("image");
            if (kind.equals("text")) {
                return fromTextRules(file, name, root);
            }
            if (!kind.equals("image")) {
                throw new ConceptSetException(file + ": field 'kind' must be \"text\" or \"image\" (or absent), got '"
                        + kind + "'");
            }
            if (Boolean.TRUE.equals(languageModel)) {
                // Refused before the rule's data set is opened (an image data set needs an image input).
                throw new ConceptSetException(kindMessage(name, false, "language model", "causal-lm"));
            }
            return fromRules(file, name, input, modelLabels, labelMap);
        }
        ConceptSetCsv.Table table;
        try {
            table = ConceptSetCsv.readTable(file);
        } catch (DataException e) {
            throw new ConceptSetException(e.getMessage(), e);
        }
        boolean textHeader = table.itemHeader().map(h -> h.equalsIgnoreCase("text")).orElse(false);
        if (Boolean.TRUE.equals(languageModel) || textHeader) {
            // A header 'text' on an image model is read as texts, then refused by checkKind.
            return fromTextCsv(file, table);
        }
        return fromCsv(file, dataset, input, modelLabels, labelMap);
    }

    /**
     * Refuses a concept set of texts on an image model, or of images on a language model, with a
     * message that says which kind each is.
     */
    public static void checkKind(ConceptSet set, ModelManifest model) {
        boolean text = set.isText();
        if (text != model.isCausalLm()) {
            throw new ConceptSetException(kindMessage(set.name(), text,
                    model.isCausalLm() ? "language model '" + model.name() + "'" : "image model '" + model.name() + "'",
                    model.isCausalLm() ? "causal-lm" : "image"));
        }
    }

    private static String kindMessage(String setName, boolean text, String modelWhat, String modelKind) {
        return text
                ? "concept set '" + setName + "' is a text concept set (sentences, for language models) but the model is an "
                + modelWhat + " (kind " + modelKind + "); probe texts on a model.json with \"kind\": \"causal-lm\", or "
                + "give an image concept set (" + IMAGE_SAMPLES + ", a CSV path_or_index,label[,group] or an image rule .json)"
                : "concept set '" + setName + "' is an image concept set but the model is a " + modelWhat + " (kind "
                + modelKind + "); give a text concept set: " + TEXT_SAMPLES + ", a CSV text,label[,group] or a rule .json "
                + "with \"kind\": \"text\"";
    }

    private static JsonNode readJson(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Utf8Lines.readString(file));
        } catch (DataException e) {
            throw new ConceptSetException(e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new ConceptSetException(file + ": not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConceptSetException(file + ": expected a JSON object {\"name\", \"dataset\" or \"kind\": \"text\", "
                    + "\"seed\", \"concepts\"}");
        }
        return root;
    }

    /**
     * A CSV of texts {@code text,label[,group]} (issue #19): one concept per group (the file name
     * when there is no group); texts are kept as written in the file (quoted) or stripped of
     * surrounding blanks (unquoted).
     */
    static ConceptSet fromTextCsv(Path file, ConceptSetCsv.Table table) {
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        TextCollector texts = new TextCollector();
        Map<String, List<ConceptSetCsv.Row>> groups = new LinkedHashMap<>();
        for (ConceptSetCsv.Row r : table.rows()) {
            groups.computeIfAbsent(r.group().isEmpty() ? stem : r.group(), g -> new ArrayList<>()).add(r);
        }
        if (groups.size() > 1 && groups.values().stream().allMatch(g -> g.size() < 2 * Concept.MIN_PER_CLASS)) {
            // Every value of the third column too small to be a concept: most likely an entity or id column
            // (e.g. the bundled lm-concepts CSVs keep the city there), not concept names. Say so rather than
            // fail on the first tiny "concept".
            throw new ConceptSetException(file + ": the third column names the concept of each row (text,label,concept); "
                    + "it has " + groups.size() + " distinct values with fewer than " + 2 * Concept.MIN_PER_CLASS
                    + " rows each (e.g. '" + groups.keySet().iterator().next() + "'), so it looks like an entity or id "
                    + "column. Drop that column to probe the whole file as one concept, or list the file in a rule .json "
                    + "(\"rule\": \"csv\", which ignores the third column), as sample:lm-concepts does");
        }
        List<Concept> concepts = new ArrayList<>();
        for (Map.Entry<String, List<ConceptSetCsv.Row>> e : groups.entrySet()) {
            Concept c = texts.concept(e.getKey(), "label 1 in " + file.getFileName(), e.getValue(), file);
            c.validate(file.toString());
            concepts.add(c);
        }
        String name = file.getFileName().toString();
        return new ConceptSet(name, file.toString(), new TextConceptData(name, texts.all), concepts);
    }

    /**
     * A rule file of texts: {@code {"name", "kind": "text", "description", "seed", "concepts":
     * [{"name", "rule": "csv", "file", "description"} | {"name", "rule": "random", "of",
     * "description"}]}}. A {@code csv} concept reads {@code text,label} rows from its file
     * (relative to the JSON; a group column is ignored); a {@code random} concept is the control
     * task of Hewitt &amp; Liang: the texts of concept {@code of} with labels drawn at random,
     * half of them 1, fixed per text by the seed (a text keeps its label whatever else is in the set).
     */
    static ConceptSet fromTextRules(Path file, String name, JsonNode root) {
        JsonNode seedNode = root.get("seed");
        if (seedNode != null && !(seedNode.isIntegralNumber() && seedNode.canConvertToLong())) {
            throw new ConceptSetException(file + ": field 'seed' must be an integer that fits in 64 bits, got " + seedNode);
        }
        long seed = seedNode == null ? 42 : seedNode.asLong();
        JsonNode list = root.path("concepts");
        if (!list.isArray() || list.isEmpty()) {
            throw new ConceptSetException(file + ": field 'concepts' must be a non-empty array");
        }
        Path dir = file.toAbsolutePath().getParent();
        TextCollector texts = new TextCollector();
        Map<String, Concept> byName = new LinkedHashMap<>();
        // First the CSV concepts (a random concept may name one that comes later in the list).
        for (int k = 0; k < list.size(); k++) {
            JsonNode c = list.get(k);
            String cname = text(c, "name", file);
            String rule = text(c, "rule", file);
            String where = file + ": concept '" + cname + "'";
            if (byName.containsKey(cname)) {
                throw new ConceptSetException(where + ": the name is used twice");
            }
            if (rule.equals("csv")) {
                Path csv = dir.resolve(text(c, "file", file));
                if (!Files.isRegularFile(csv)) {
                    throw new ConceptSetException(where + ", field 'file': no file " + csv + " (paths are relative to the JSON)");
                }
                ConceptSetCsv.Table table;
                try {
                    table = ConceptSetCsv.readTable(csv);
                } catch (DataException e) {
                    throw new ConceptSetException(e.getMessage(), e);
                }
                Concept concept = texts.concept(cname, c.path("description").asText("label 1 in " + csv.getFileName()),
                        table.rows(), csv);
                concept.validate(csv.toString());
                byName.put(cname, concept);
            } else if (rule.equals("random")) {
                byName.put(cname, null);
            } else {
                throw new ConceptSetException(where + ": unknown rule '" + rule + "' (a text rule file has rules csv "
                        + "and random)");
            }
        }
        List<Concept> concepts = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            JsonNode c = list.get(k);
            String cname = c.get("name").asText();
            Concept concept = byName.get(cname);
            if (concept == null) {
                String of = text(c, "of", file);
                Concept source = byName.get(of);
                if (source == null) {
                    throw new ConceptSetException(file + ": concept '" + cname + "', field 'of': no csv concept '" + of
                            + "' in this file; csv concepts: " + byName.entrySet().stream()
                            .filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList());
                }
                int[] items = source.items();
                int[] keys = Arrays.stream(items).map(i -> texts.all.get(i).hashCode()).toArray();
                int[] labels = ControlTask.labels(keys, items.length / 2, seed);
                concept = new Concept(cname, c.path("description").asText("random labels on the texts of '" + of + "'"),
                        items, labels);
                concept.validate(file.toString());
            }
            concepts.add(concept);
        }
        String setName = root.path("name").asText(name);
        return new ConceptSet(name, file.toString(), new TextConceptData(setName, texts.all), concepts);
    }

    /** Distinct texts in first-mention order, shared by the concepts of one set. */
    private static final class TextCollector {
        final List<String> all = new ArrayList<>();
        final Map<String, Integer> index = new LinkedHashMap<>();

        Concept concept(String name, String description, List<ConceptSetCsv.Row> rows, Path file) {
            TreeMap<Integer, Integer> items = new TreeMap<>();
            for (ConceptSetCsv.Row r : rows) {
                int i = index.computeIfAbsent(r.item(), t -> {
                    all.add(t);
                    return all.size() - 1;
                });
                if (items.put(i, r.label()) != null) {
                    throw new ConceptSetException(file + ": line " + r.line() + ": text \"" + r.item()
                            + "\" appears twice in concept '" + name + "'");
                }
            }
            return new Concept(name, description, items.keySet().stream().mapToInt(Integer::intValue).toArray(),
                    items.values().stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** A rule file (see the class comment). */
    static ConceptSet fromRules(Path file, String name, ModelManifest.InputSpec input, List<String> modelLabels,
                                Path labelMap) {
        JsonNode root = readJson(file);
        String dataRef = text(root, "dataset", file);
        JsonNode seedNode = root.get("seed");
        if (seedNode != null && !(seedNode.isIntegralNumber() && seedNode.canConvertToLong())) {
            throw new ConceptSetException(file + ": field 'seed' must be an integer that fits in 64 bits, got " + seedNode);
        }
        long seed = seedNode == null ? 42 : seedNode.asLong();
        Dataset data = DatasetReference.open(dataRef, input, modelLabels, labelMap);
        JsonNode list = root.path("concepts");
        if (!list.isArray() || list.isEmpty()) {
            throw new ConceptSetException(file + ": field 'concepts' must be a non-empty array");
        }
        List<Concept> concepts = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            JsonNode c = list.get(k);
            String cname = text(c, "name", file);
            String rule = text(c, "rule", file);
            String where = file + ": concept '" + cname + "'";
            int[] labels = new int[data.size()];
            boolean[] member = new boolean[data.size()];
            switch (rule) {
                case "classes" -> {
                    boolean[] pos = classSet(c.path("positive"), where + ", field 'positive'", data.classNames().size());
                    boolean[] neg = c.has("negative") ? classSet(c.path("negative"), where + ", field 'negative'",
                            data.classNames().size()) : null;
                    for (int i = 0; i < data.size(); i++) {
                        int y = data.label(i);
                        member[i] = pos[y] || (neg == null || neg[y]);
                        labels[i] = pos[y] ? 1 : 0;
                    }
                }
                case "intensity-above-median" -> {
                    double[] mean = new double[data.size()];
                    for (int i = 0; i < data.size(); i++) {
                        float[] s = data.sample(i);
                        double sum = 0;
                        for (float v : s) {
                            sum += v;
                        }
                        mean[i] = sum / s.length;
                    }
                    double median = median(mean);
                    for (int i = 0; i < data.size(); i++) {
                        member[i] = true;
                        labels[i] = mean[i] > median ? 1 : 0;
                    }
                }
                case "random" -> {
                    int[] all = new int[data.size()];
                    for (int i = 0; i < all.length; i++) {
                        all[i] = i;
                        member[i] = true;
                    }
                    int[] random = ControlTask.labels(all, all.length / 2, seed);
                    System.arraycopy(random, 0, labels, 0, labels.length);
                }
                default -> throw new ConceptSetException(where + ": unknown rule '" + rule
                        + "' (expected classes, intensity-above-median or random)");
            }
            Concept concept = balanced(cname, c.path("description").asText(rule), member, labels, seed + k);
            concept.validate(file.toString());
            concepts.add(concept);
        }
        return new ConceptSet(name, file.toString(), data, concepts);
    }

    /** A CSV of indices into {@code dataRef} or of image paths relative to the CSV. */
    static ConceptSet fromCsv(Path file, String dataRef, ModelManifest.InputSpec input, List<String> modelLabels,
                              Path labelMap) {
        List<ConceptSetCsv.Row> rows;
        try {
            rows = ConceptSetCsv.read(file);
        } catch (DataException e) {
            throw new ConceptSetException(e.getMessage(), e);
        }
        boolean indices = rows.stream().allMatch(r -> r.item().matches("\\d+"));
        Dataset data;
        int[] itemIndex = new int[rows.size()];
        if (indices) {
            if (dataRef == null) {
                throw new ConceptSetException(file + ": the rows are indices into a data set, and the model records none "
                        + "of its own; give --data");
            }
            data = DatasetReference.open(dataRef, input, modelLabels, labelMap);
            for (int n = 0; n < rows.size(); n++) {
                String item = rows.get(n).item();
                // Digits only (checked above), so the only parse failure is a number too large for an int.
                long i = item.length() > 12 ? Long.MAX_VALUE : Long.parseLong(item);
                if (i >= data.size()) {
                    throw new ConceptSetException(file + ": line " + rows.get(n).line() + ", column path_or_index: index "
                            + item + " is outside data set '" + data.name() + "' of " + data.size() + " samples (0 … "
                            + (data.size() - 1) + ")");
                }
                itemIndex[n] = (int) i;
            }
        } else {
            Path dir = file.toAbsolutePath().getParent();
            Map<String, Integer> paths = new LinkedHashMap<>();
            List<float[]> images = new ArrayList<>();
            for (int n = 0; n < rows.size(); n++) {
                String item = rows.get(n).item();
                Integer known = paths.get(item);
                if (known == null) {
                    Path image = dir.resolve(item);
                    if (!Files.isRegularFile(image)) {
                        throw new ConceptSetException(file + ": line " + rows.get(n).line() + ": unknown path '" + item
                                + "' (no file " + image + "; paths are relative to the CSV, or give indices into the data set)");
                    }
                    float[] chw;
                    try {
                        chw = ImageInput.toUnitChw(ImageInput.read(image), input);
                    } catch (DataException e) {
                        throw new ConceptSetException(file + ": line " + rows.get(n).line() + ": " + e.getMessage(), e);
                    }
                    known = images.size();
                    images.add(chw);
                    paths.put(item, known);
                }
                itemIndex[n] = known;
            }
            data = new ListedImages(file.toString(), input.shape(), images);
        }
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Map<String, TreeMap<Integer, Integer>> groups = new LinkedHashMap<>();
        for (int n = 0; n < rows.size(); n++) {
            String group = rows.get(n).group().isEmpty() ? stem : rows.get(n).group();
            TreeMap<Integer, Integer> g = groups.computeIfAbsent(group, x -> new TreeMap<>());
            Integer before = g.put(itemIndex[n], rows.get(n).label());
            if (before != null) {
                throw new ConceptSetException(file + ": line " + rows.get(n).line() + ": item '" + rows.get(n).item()
                        + "' appears twice in concept '" + group + "'");
            }
        }
        List<Concept> concepts = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Integer, Integer>> e : groups.entrySet()) {
            int[] items = e.getValue().keySet().stream().mapToInt(Integer::intValue).toArray();
            int[] labels = e.getValue().values().stream().mapToInt(Integer::intValue).toArray();
            Concept c = new Concept(e.getKey(), "label 1 in " + file.getFileName(), items, labels);
            c.validate(file.toString());
            concepts.add(c);
        }
        return new ConceptSet(file.getFileName().toString(), file.toString(), data, concepts);
    }

    /** The members, with the larger class subsampled (seeded) to the size of the smaller. */
    static Concept balanced(String name, String description, boolean[] member, int[] labels, long seed) {
        List<Integer> pos = new ArrayList<>();
        List<Integer> neg = new ArrayList<>();
        for (int i = 0; i < member.length; i++) {
            if (member[i]) {
                (labels[i] == 1 ? pos : neg).add(i);
            }
        }
        int keep = Math.min(pos.size(), neg.size());
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Integer> chosen = new ArrayList<>(subsample(pos, keep, rnd));
        chosen.addAll(subsample(neg, keep, rnd));
        int[] items = chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] y = Arrays.stream(items).map(i -> labels[i]).toArray();
        return new Concept(name, description, items, y);
    }

    private static List<Integer> subsample(List<Integer> from, int keep, SplittableRandom rnd) {
        List<Integer> copy = new ArrayList<>(from);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Integer t = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, t);
        }
        return copy.subList(0, keep);
    }

    private static boolean[] classSet(JsonNode node, String where, int classes) {
        if (!node.isArray() || node.isEmpty()) {
            throw new ConceptSetException(where + ": expected a non-empty array of class indices 0 … " + (classes - 1));
        }
        boolean[] set = new boolean[classes];
        for (JsonNode v : node) {
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0 || v.asInt() >= classes) {
                throw new ConceptSetException(where + ": class index " + v + " outside 0 … " + (classes - 1));
            }
            set[v.asInt()] = true;
        }
        return set;
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ConceptSetException(file + ": field '" + field + "' missing or not a string");
        }
        return v.asText();
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** The images a CSV of paths lists, in first-mention order; labels are not meaningful here. */
    private record ListedImages(String name, long[] shape, List<float[]> images) implements Dataset {
        @Override
        public int size() {
            return images.size();
        }

        @Override
        public long[] sampleShape() {
            return shape.clone();
        }

        @Override
        public int label(int i) {
            return 0;
        }

        @Override
        public List<String> classNames() {
            return List.of("listed image");
        }

        @Override
        public float[] sample(int i) {
            return images.get(i);
        }
    }
}
