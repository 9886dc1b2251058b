package org.lamina.plugins.api;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.job.JobCancelledException;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class JobErrorsTest {

    @Test
    void unwrapsTheJobsOwnExceptionAndTellsCancellationFromFailure() {
        IllegalArgumentException bad = new IllegalArgumentException("rank 0");
        assertThat(JobErrors.cause(new CompletionException(bad))).isSameAs(bad);
        assertThat(JobErrors.cause(bad)).isSameAs(bad);
        assertThat(JobErrors.cancelled(new CompletionException(bad))).isFalse();
        assertThat(JobErrors.cancelled(new CompletionException(new JobCancelledException()))).isTrue();
        assertThat(JobErrors.cancelled(new java.util.concurrent.CancellationException())).isTrue();
    }
}
