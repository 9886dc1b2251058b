package org.lamina.analysis.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a {@code "kind": "causal-lm"} manifest says beyond an image model's fields (issue #18 and
 * the causal-LM export contract): token-id input {@code [batch, seq]} (int64, right-padded with
 * {@link TokenizerSpec#padId()}), the vocabulary size, the longest sequence the model takes, its
 * tokenizer, and the transformer's depth and width. Probe point shapes of such a model are per
 * row with {@code -1} for the sequence length ({@link ProbePoint#shapeFor}).
 *
 * @param vocabSize  number of logits per position (= token ids are {@code 0 … vocabSize-1})
 * @param maxLength  the longest id sequence (BOS included) the model takes
 * @param tokenizer  the Hugging Face {@code tokenizer.json} beside the weights and the special ids
 * @param blocks     number of transformer blocks ({@code blocks.0 … blocks.N-1})
 * @param hiddenSize width of the residual stream
 * @param reference  the exporter's reference outputs, if recorded
 * @param source     the exporter's record of the checkpoint (free-form), may be {@code null}
 */
public record LanguageModelSpec(
        int vocabSize,
        int maxLength,
        TokenizerSpec tokenizer,
        int blocks,
        int hiddenSize,
        Optional<Reference> reference,
        JsonNode source) {

    /** The manifest's {@code kind} for a decoder language model. */
    public static final String KIND = "causal-lm";

    /** Name of the residual stream after block {@code i}: {@code blocks.i}. */
    public String blockPoint(int i) {
        if (i < 0 || i >= blocks) {
            throw new ModelException("block " + i + " does not exist: the model has blocks 0 … " + (blocks - 1));
        }
        return "blocks." + i;
    }

    /**
     * The tokenizer part of the manifest.
     *
     * @param file   tokenizer file relative to the model directory ({@code tokenizer.json})
     * @param bosId  beginning-of-sequence id, if the model has one
     * @param eosId  end-of-sequence id, if the model has one
     * @param padId  id used for right padding (never seen by a real token: attention is causal)
     * @param addBos whether every sequence starts with {@code bosId}
     */
    public record TokenizerSpec(String file, OptionalLong bosId, OptionalLong eosId, long padId, boolean addBos) {
    }

    /**
     * The exporter's reference run ({@code reference-outputs.npz}: ids, lengths, logits,
     * last_hidden) and the prompts it tokenised.
     */
    public record Reference(String file, List<String> prompts) {
        public Reference {
            prompts = List.copyOf(prompts);
        }

        /** The reference file inside {@code directory}. */
        public Path resolve(Path directory) {
            return directory.resolve(file);
        }
    }
}
