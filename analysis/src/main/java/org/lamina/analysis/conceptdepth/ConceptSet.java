package org.lamina.analysis.conceptdepth;

import org.lamina.analysis.data.Dataset;

import java.util.List;
import java.util.TreeSet;

/**
 * Concepts over one data set.
 *
 * @param name     e.g. {@code sample:fashion-concepts} or the CSV file name
 * @param source   where it was read from (rule file or CSV), for provenance and errors
 * @param dataset  the samples the concepts' items index
 * @param concepts the concepts, in the order of the file (simple to complex for the samples)
 */
public record ConceptSet(String name, String source, Dataset dataset, List<Concept> concepts) {

    public ConceptSet {
        concepts = List.copyOf(concepts);
        if (concepts.isEmpty()) {
            throw new ConceptSetException(source + ": no concepts");
        }
    }

    /** Every item any concept uses, ascending: the samples whose features are extracted. */
    public int[] allItems() {
        TreeSet<Integer> all = new TreeSet<>();
        for (Concept c : concepts) {
            for (int i : c.items()) {
                all.add(i);
            }
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether the concepts are over texts ({@link TextConceptData}, for language models). */
    public boolean isText() {
        return dataset instanceof TextConceptData;
    }

    /** The concept with this name, or a clear error. */
    public Concept concept(String conceptName) {
        return concepts.stream().filter(c -> c.name().equals(conceptName)).findFirst()
                .orElseThrow(() -> new ConceptSetException(source + ": no concept '" + conceptName + "'; concepts: "
                        + concepts.stream().map(Concept::name).toList()));
    }
}
