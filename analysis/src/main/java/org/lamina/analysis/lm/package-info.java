/**
 * Decoder language models on top of the runner (issue #18): the tokenizer named by a
 * {@code causal-lm} manifest ({@link org.lamina.analysis.lm.LanguageModelTokenizer}, Hugging Face
 * {@code tokenizer.json} through DJL's tokenizers binding, offline), right-padded id batches with
 * row lengths ({@link org.lamina.analysis.lm.TokenBatch}) and the next-token distribution after a
 * prompt ({@link org.lamina.analysis.lm.NextTokenPrediction}). Reading a point at the last real
 * token or over the real tokens is the runner's ({@link org.lamina.analysis.model.TokenReadout}).
 */
package org.lamina.analysis.lm;
