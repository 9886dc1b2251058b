/**
 * Long-running analyses as jobs (DESIGN.md §3): a {@link org.lamina.analysis.job.Job} reports
 * through a {@link org.lamina.analysis.job.ProgressSink} and checks for cancellation between
 * batches; {@link org.lamina.analysis.job.JobRunner} runs jobs off the caller's thread;
 * {@link org.lamina.analysis.job.AtomicOutput} makes sure a cancelled or failed job leaves no
 * half-written file. No JavaFX here: the shell wraps jobs in its own UI at the edge.
 */
package org.lamina.analysis.job;
