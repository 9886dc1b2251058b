package org.lamina.analysis.data;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link BatchPrefetch}: bounded read-ahead, same values as {@link Dataset#batch}, errors and closing. */
class BatchPrefetchTest {

    /** A set of {@code n} samples of 4 values that counts what it decoded and checks the bound as it goes. */
    private static final class CountingSet implements Dataset {
        final int n;
        final AtomicInteger decoded = new AtomicInteger();
        final AtomicInteger consumed = new AtomicInteger();
        final AtomicInteger maxAhead = new AtomicInteger();
        final int failAt;

        CountingSet(int n, int failAt) {
            this.n = n;
            this.failAt = failAt;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public long[] sampleShape() {
            return new long[] {1, 2, 2};
        }

        @Override
        public int label(int i) {
            return i % 3;
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c");
        }

        @Override
        public float[] sample(int i) {
            if (i == failAt) {
                throw new IllegalStateException("corrupt bytes");
            }
            int ahead = decoded.incrementAndGet() - consumed.get();
            maxAhead.accumulateAndGet(ahead, Math::max);
            return new float[] {i, i + 0.25f, i + 0.5f, i + 0.75f};
        }

        @Override
        public String describeItem(int i) {
            return "item " + i + " (file-" + i + ".png)";
        }
    }

    @Test
    void decodesABoundedNumberOfBatchesAheadOfTheConsumer() throws InterruptedException {
        int batch = 5;
        int depth = 2;
        CountingSet set = new CountingSet(1000, -1);
        int[] items = new int[set.size()];
        for (int i = 0; i < items.length; i++) {
            items[i] = i;
        }
        int batches = 0;
        try (BatchPrefetch pass = BatchPrefetch.of(set, items, batch, new float[] {0f}, new float[] {1f}, depth)) {
            while (pass.hasNext()) {
                BatchPrefetch.Batch b = pass.next();
                set.consumed.addAndGet(b.items().length);
                batches++;
                // Let the decoder run ahead as far as it can before the next batch is taken: it must stop
                // at the bound. (Waiting for it is not a timed assertion: the bound is checked on every decode.)
                int target = Math.min(set.size(), set.consumed.get() + (depth + 1) * batch);
                for (int spin = 0; spin < 2000 && set.decoded.get() < target; spin++) {
                    Thread.sleep(1);
                }
            }
        }
        assertThat(batches).isEqualTo(200);
        assertThat(set.decoded.get()).isEqualTo(1000);
        // Not yet counted as consumed: the batch being handed over, the depth queued ones and the one being
        // filled — a bound that does not grow with the set's 1,000 samples.
        assertThat(set.maxAhead.get()).isLessThanOrEqualTo((depth + 2) * batch).isGreaterThan(batch);
    }

    @Test
    void batchesHoldTheSameNormalisedValuesAsDatasetBatch() {
        CountingSet set = new CountingSet(23, -1);
        float[] mean = {0.5f};
        float[] std = {2f};
        List<float[]> got = new ArrayList<>();
        try (BatchPrefetch pass = BatchPrefetch.range(set, 3, 23, 8, mean, std);
             NDManager m = NDManager.newBaseManager()) {
            int from = 3;
            while (pass.hasNext()) {
                BatchPrefetch.Batch b = pass.next();
                assertThat(b.items()[0]).isEqualTo(from);
                float[] expected = set.batch(m, from, from + b.items().length, mean, std).toFloatArray();
                assertThat(b.tensor(m).toFloatArray()).containsExactly(expected);
                assertThat(b.shape()).containsExactly(b.items().length, 1, 2, 2);
                got.add(b.values());
                from += b.items().length;
            }
            assertThat(from).isEqualTo(23);
        }
        assertThat(got).hasSize(3);
    }

    @Test
    void aFailureReachesTheCallerNamingTheItemAndItsFile() {
        CountingSet set = new CountingSet(50, 17);
        try (BatchPrefetch pass = BatchPrefetch.range(set, 0, 50, 10, new float[] {0f}, new float[] {1f})) {
            assertThat(pass.next().items()).hasSize(10);
            assertThatThrownBy(pass::next).isInstanceOf(DataException.class)
                    .hasMessageContaining("item 17 (file-17.png)").hasMessageContaining("corrupt bytes");
            assertThat(pass.hasNext()).isFalse();
        }
    }

    @Test
    void closingMidPassStopsTheDecodingThread() {
        CountingSet set = new CountingSet(100_000, -1);
        BatchPrefetch pass = BatchPrefetch.range(set, 0, set.size(), 4, new float[] {0f}, new float[] {1f});
        pass.next();
        pass.close();
        int after = set.decoded.get();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("lamina-prefetch-counting"));
        assertThat(set.decoded.get()).isEqualTo(after).isLessThan(100);
        assertThat(pass.hasNext()).isFalse();
    }
}
