package org.lamina.analysis.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A pass over some samples of a data set in batches, decoded ahead on one background thread: while
 * the model runs batch k, the thread decodes batches k+1 … k+{@code depth} into a queue of
 * {@code depth} slots, and blocks when it is full. So at most {@code depth + 1} decoded batches exist
 * that the caller has not taken (the queue's plus the one being filled), whatever the set's size.
 *
 * <p>A failure while decoding (a broken image) reaches the caller at the batch it belongs to, as a
 * {@link DataException} that names the sample ({@link Dataset#describeItem}, the file for an image
 * folder). {@link #close()} — at the end of a try-with-resources, on cancellation or on an error —
 * stops the thread and drops what it decoded. Values are normalised on the thread too.
 */
public final class BatchPrefetch implements Iterator<BatchPrefetch.Batch>, AutoCloseable {

    /** Batches decoded ahead by default. */
    public static final int DEFAULT_DEPTH = 2;

    /**
     * Samples {@code items[from, to)} of the pass as one normalised block. Its buffer is reused for
     * a later batch once the caller asks for the next one: use it (e.g. {@link #tensor}) before that.
     *
     * @param from   position of the first sample in the pass (not its index in the set)
     * @param items  the data set indices of the batch's samples
     * @param values normalised values, {@code [items.length, *sampleShape]} row-major, in its first
     *               {@code items.length × sample size} elements (the buffer may be longer)
     * @param shape  {@code [items.length, *sampleShape]}
     */
    public record Batch(int from, int[] items, float[] values, long[] shape) {
        /** Position after the last sample in the pass. */
        public int to() {
            return from + items.length;
        }

        /** The batch as a tensor {@code [n, *sampleShape]} (a copy: the buffer may then be reused). */
        public NDArray tensor(NDManager manager) {
            Shape s = new Shape(shape);
            return manager.create(FloatBuffer.wrap(values, 0, (int) s.size()), s);
        }
    }

    private static final Object END = new Object();

    private record Failure(RuntimeException error) {
    }

    private final Dataset data;
    private final int[] items;
    private final int batchSize;
    private final float[] mean;
    private final float[] std;
    private final BlockingQueue<Object> queue;
    /**
     * Buffers of batches the caller is done with. Batch arrays of a few MB are "humongous" objects
     * for G1; allocating one per batch made the heap, and so the resident memory, grow over a long
     * pass. At most depth + 3 buffers ever exist (queued, being filled, held, being given back).
     */
    private final BlockingQueue<float[]> free;
    private Batch handedOut;
    private final Thread worker;
    private volatile boolean closed;
    private Object next;

    private BatchPrefetch(Dataset data, int[] items, int batchSize, float[] mean, float[] std, int depth) {
        if (batchSize < 1 || depth < 1) {
            throw new IllegalArgumentException("batch size and prefetch depth must be positive, got " + batchSize
                    + " and " + depth);
        }
        for (int i : items) {
            if (i < 0 || i >= data.size()) {
                throw new IllegalArgumentException("item " + i + " outside data set '" + data.name() + "' of "
                        + data.size() + " samples");
            }
        }
        this.data = data;
        this.items = items;
        this.batchSize = batchSize;
        this.mean = mean.clone();
        this.std = std.clone();
        this.queue = new ArrayBlockingQueue<>(depth);
        this.free = new ArrayBlockingQueue<>(depth + 3);
        this.worker = new Thread(this::produce, "lamina-prefetch-" + data.name());
        worker.setDaemon(true);
        worker.start();
    }

    /** Samples {@code [from, to)} in order, normalised with {@code mean} and {@code std}. */
    public static BatchPrefetch range(Dataset data, int from, int to, int batchSize, float[] mean, float[] std) {
        if (from < 0 || to > data.size() || from > to) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") outside data set '" + data.name()
                    + "' of " + data.size() + " samples");
        }
        int[] items = new int[to - from];
        for (int i = 0; i < items.length; i++) {
            items[i] = from + i;
        }
        return of(data, items, batchSize, mean, std, DEFAULT_DEPTH);
    }

    /** The samples {@code items} (set indices, in that order), {@code depth} batches ahead. */
    public static BatchPrefetch of(Dataset data, int[] items, int batchSize, float[] mean, float[] std, int depth) {
        return new BatchPrefetch(data, items.clone(), batchSize, mean, std, depth);
    }

    private void produce() {
        long[] sampleShape = data.sampleShape();
        int channels = sampleShape.length == 3 ? (int) sampleShape[0] : 1;
        int size = 1;
        for (long d : sampleShape) {
            size *= (int) d;
        }
        try {
            for (int from = 0; from < items.length && !closed; from += batchSize) {
                int n = Math.min(batchSize, items.length - from);
                float[] values = free.poll();
                if (values == null) {
                    values = new float[batchSize * size];
                }
                int[] batchItems = new int[n];
                for (int k = 0; k < n; k++) {
                    if (closed) {
                        return;
                    }
                    int item = items[from + k];
                    batchItems[k] = item;
                    try {
                        data.decodeInto(item, values, k * size);
                    } catch (DataException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw new DataException("data set '" + data.name() + "', " + data.describeItem(item)
                                + ": cannot decode: " + e, e);
                    }
                    normalise(values, k * size, size, channels);
                }
                long[] shape = new long[sampleShape.length + 1];
                shape[0] = n;
                System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
                queue.put(new Batch(from, batchItems, values, shape));
            }
            queue.put(END);
        } catch (InterruptedException e) {
            // close() interrupts a thread blocked on a full queue: nothing is waiting for the rest.
        } catch (RuntimeException | OutOfMemoryError e) {
            RuntimeException failure = e instanceof RuntimeException r ? r
                    : new DataException("data set '" + data.name() + "': out of memory while decoding ahead", e);
            try {
                queue.put(new Failure(failure));
            } catch (InterruptedException ignored) {
                // closed meanwhile: the caller no longer wants the error either
            }
        }
    }

    private void normalise(float[] values, int offset, int size, int channels) {
        int plane = size / channels;
        for (int c = 0; c < channels; c++) {
            float m = mean[mean.length == 1 ? 0 : c];
            float s = std[std.length == 1 ? 0 : c];
            for (int i = offset + c * plane; i < offset + (c + 1) * plane; i++) {
                values[i] = (values[i] - m) / s;
            }
        }
    }

    /** Waits for the next batch (or the end, or the failure). */
    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataException("interrupted while waiting for data set '" + data.name() + "'", e);
            }
        }
        if (next instanceof Failure f) {
            close();
            RuntimeException e = f.error();
            // A new exception, so that its stack shows the caller's line too; the cause keeps the decoder's.
            throw e instanceof DataException ? new DataException(e.getMessage(), e) : e;
        }
        return next != END;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches of data set '" + data.name() + "'");
        }
        Batch b = (Batch) next;
        next = null;
        if (handedOut != null) {
            free.offer(handedOut.values());
        }
        handedOut = b;
        return b;
    }

    /** Number of batches of the whole pass. */
    public int batchCount() {
        return (items.length + batchSize - 1) / batchSize;
    }

    /** Stops the decoding thread and drops the batches it decoded ahead; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        worker.interrupt();
        queue.clear();
        try {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
        free.clear();
        handedOut = null;
    }
}
