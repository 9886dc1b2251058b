package org.lamina.analysis.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobRunnerTest {

    @Test
    void runsAJobOffTheCallerThreadAndReportsProgress() throws Exception {
        List<Double> fractions = new CopyOnWriteArrayList<>();
        List<JobState> states = new CopyOnWriteArrayList<>();
        JobListener listener = new JobListener() {
            @Override
            public void progress(double fraction) {
                fractions.add(fraction);
            }

            @Override
            public void state(JobState state, Throwable error) {
                states.add(state);
            }
        };
        Thread caller = Thread.currentThread();
        try (JobRunner runner = new JobRunner(1)) {
            JobHandle<String> h = runner.submit("count", p -> {
                p.begin(4);
                for (int i = 0; i < 4; i++) {
                    p.advance(1);
                }
                return Thread.currentThread() == caller ? "caller" : Thread.currentThread().getName();
            }, listener);
            assertThat(h.result().get(30, TimeUnit.SECONDS)).startsWith("lamina-job-");
            assertThat(h.state()).isEqualTo(JobState.SUCCEEDED);
        }
        assertThat(fractions).contains(0.25, 0.5, 0.75, 1.0);
        assertThat(states).containsSubsequence(JobState.WAITING, JobState.RUNNING, JobState.SUCCEEDED);
    }

    @Test
    void aFailingJobReportsItsError() {
        try (JobRunner runner = new JobRunner(1)) {
            JobHandle<Object> h = runner.submit("fail", p -> {
                throw new IllegalStateException("broken input");
            });
            assertThatThrownBy(() -> h.result().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasRootCauseMessage("broken input");
            assertThat(h.state()).isEqualTo(JobState.FAILED);
        }
    }

    @Test
    void aCancelledJobStopsAndLeavesNoPartialFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("result.bin");
        CountDownLatch halfWritten = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        try (JobRunner runner = new JobRunner(1)) {
            JobHandle<Path> h = runner.submit("write", p -> AtomicOutput.write(target, tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    p.begin(10);
                    for (int batch = 0; batch < 10; batch++) {
                        p.checkCancelled();
                        out.write(new byte[1024]);
                        p.advance(1);
                        if (batch == 4) {
                            halfWritten.countDown();
                            cancelled.await();
                        }
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(halfWritten.await(30, TimeUnit.SECONDS)).isTrue();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.toList()).as("the half-written temporary exists while the job runs").hasSize(1);
            }
            h.cancel();
            cancelled.countDown();
            assertThatThrownBy(() -> h.result().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(CancellationException.class);
            assertThat(h.state()).isEqualTo(JobState.CANCELLED);
        }
        assertThat(target).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aJobCancelledBeforeItStartsNeverRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        try (JobRunner runner = new JobRunner(1)) {
            JobHandle<Object> blocker = runner.submit("blocker", p -> {
                release.await();
                return null;
            });
            JobHandle<Object> queued = runner.submit("queued", p -> {
                ran.add("queued");
                return null;
            });
            queued.cancel();
            release.countDown();
            blocker.result().get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> queued.result().get(30, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        }
        assertThat(ran).isEmpty();
    }
}
