/**
 * CHM-Corr (Taesiri et al., NeurIPS 2022, "Visual correspondence-based explanations improve AI
 * robustness and human-AI team accuracy") and the editable attribution map of CHM-Corr++ (the
 * interactive study, CVPR-W 2024). Specification: shared/specs/chmcorr.md.
 *
 * <p>Pipeline per query: a cosine kNN shortlist over a cached {@link org.lamina.analysis.chmcorr.GalleryIndex}
 * of pooled features ({@link org.lamina.analysis.chmcorr.CosineKnn}); patch correspondences on the G×G
 * grid of the model's last spatial feature map behind {@link org.lamina.analysis.chmcorr.Matcher}
 * (default: cosine + mutual nearest neighbours — a substitute, NOT CHMNet; second: Sinkhorn as in
 * EMD-Corr); the cross-correlation ("CC") map and its threshold mask
 * ({@link org.lamina.analysis.chmcorr.CrossCorrelationMap}); top-5 scoring, rerank and the majority
 * vote with the widen-K tie rule ({@link org.lamina.analysis.chmcorr.QueryEvidence}). Re-deciding with a
 * user-edited map ({@link org.lamina.analysis.chmcorr.EditableAttentionMap}) reuses the cached
 * correspondences: no network pass. The gallery's features can come from a feature store instead
 * of the model ({@link org.lamina.analysis.chmcorr.GalleryStore}), and the gallery index cache keeps
 * each entry as a feature store (issue #20). No JavaFX here.
 */
package org.lamina.analysis.chmcorr;
