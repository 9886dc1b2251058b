/**
 * The logit lens (nostalgebraist 2020, "interpreting GPT: the logit lens", LessWrong): a decoder
 * language model's residual stream after each layer read through the model's own final norm and
 * unembedding, as a layers × tokens grid of next-token guesses ({@link org.lamina.analysis.logitlens.LogitLens})
 * and its figure ({@link org.lamina.analysis.logitlens.LogitLensFigure}). Depends on the core
 * (model, lm tokenizer, export) only; the {@code lens} command and the explorer's text view
 * both build on it, so it belongs to the language-model part of the core.
 */
package org.lamina.analysis.logitlens;
