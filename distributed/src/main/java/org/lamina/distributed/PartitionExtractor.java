package org.lamina.distributed;

import ai.djl.Device;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;

import org.lamina.analysis.conceptdepth.PooledFeatureStore;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.featurestore.ChunkSource;
import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The work of one Spark partition: a contiguous range of item indices. The model is opened once
 * per partition (on the GPU Spark assigned to the task, else the CPU), the items go through
 * {@link PooledFeatureStore#source} in chunks, exactly the source the single-machine
 * {@code lamina extract} calls, and the rows stream out one chunk at a time, so an executor holds
 * one chunk whatever the partition's size.
 *
 * <p>A partition depends only on its range and the {@link ExtractionPlan}: when an executor is
 * lost, Spark re-runs its tasks elsewhere and they produce the same rows; the files of a failed
 * task attempt are discarded by Spark's output committer, and the driver writes the manifest only
 * after the whole job has committed.
 */
final class PartitionExtractor implements Function2<Integer, Iterator<int[]>, Iterator<Row>> {

    private static final long serialVersionUID = 1L;

    private final ExtractionPlan plan;
    private final CollectionAccumulator<String> devices;

    PartitionExtractor(ExtractionPlan plan, CollectionAccumulator<String> devices) {
        this.plan = plan;
        this.devices = devices;
    }

    @Override
    public Iterator<Row> call(Integer partition, Iterator<int[]> ranges) {
        if (!ranges.hasNext()) {
            return java.util.Collections.emptyIterator();
        }
        int[] range = ranges.next();
        if (ranges.hasNext()) {
            throw new IllegalStateException("partition " + partition + " got more than one item range");
        }
        if (range[1] <= range[0]) {
            return java.util.Collections.emptyIterator();
        }
        return new Rows(partition, range[0], range[1]);
    }

    /** The device of this task: the GPU Spark's resource scheduling assigned to it, else the CPU. */
    static Device taskDevice(TaskContext task) {
        if (task != null) {
            scala.Option<ResourceInformation> gpu = task.resources().get("gpu");
            if (gpu.isDefined() && gpu.get().addresses().length > 0) {
                String address = gpu.get().addresses()[0];
                int id;
                try {
                    id = Integer.parseInt(address.trim());
                } catch (NumberFormatException e) {
                    throw new ModelException("Spark assigned GPU address '" + address + "', not a CUDA device index; "
                            + "the GPU discovery script must print indices such as {\"name\":\"gpu\",\"addresses\":[\"0\"]}");
                }
                if (ModelRuntime.engine().getGpuCount() <= id) {
                    throw new ModelException("Spark assigned GPU " + id + " to this task, but PyTorch on this executor sees "
                            + ModelRuntime.engine().getGpuCount() + " GPU(s): build lamina-spark.jar with -Pcuda (CUDA "
                            + "natives) and check the executor's CUDA driver");
                }
                return Device.gpu(id);
            }
        }
        return Device.cpu();
    }

    /** The rows of items {@code [from, to)}, computed chunk by chunk as they are consumed. */
    private final class Rows implements Iterator<Row> {

        private final int partition;
        private final int to;
        private int next;
        private ProbeableModel model;
        private ChunkSource source;
        private FeatureChunk chunk;
        private int row;

        Rows(int partition, int from, int to) {
            this.partition = partition;
            this.next = from;
            this.to = to;
        }

        @Override
        public boolean hasNext() {
            if (chunk != null && row < chunk.size()) {
                return true;
            }
            if (next >= to) {
                close();
                return false;
            }
            compute();
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int r = row++;
            Object[] values = new Object[3 + chunk.dimensions().length];
            values[0] = (long) chunk.items()[r];
            values[1] = chunk.labels()[r] == FeatureChunk.NO_LABEL ? null : chunk.labels()[r];
            values[2] = chunk.sources()[r];
            for (int p = 0; p < chunk.dimensions().length; p++) {
                values[3 + p] = chunk.vector(p, r);
            }
            return RowFactory.create(values);
        }

        private void compute() {
            if (model == null) {
                open();
            }
            int end = Math.min(to, next + plan.chunkRows());
            int[] items = new int[end - next];
            Arrays.setAll(items, i -> next + i);
            TaskContext task = TaskContext.get();
            // A killed task (job cancelled, speculative copy lost) stops between batches.
            chunk = source.compute(items, ProgressSink.cancelledWhen(() -> task != null && task.isInterrupted()));
            row = 0;
            next = end;
        }

        private void open() {
            if (plan.threads() > 0 && System.getProperty("lamina.threads") == null) {
                // Before the engine starts in this JVM: one task's share of the executor's cores.
                System.setProperty("lamina.threads", Integer.toString(plan.threads()));
            }
            ModelRuntime.goOffline();
            TaskContext task = TaskContext.get();
            Device device = taskDevice(task);
            model = ModelLoader.open(plan.model(), device);
            if (task != null) {
                // Closes the model when the task fails or is killed, not only when its rows run out.
                task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> close());
            }
            Dataset data = ExtractionPlan.openData(model.manifest(), plan.dataReference());
            List<String> points = plan.pointList();
            source = PooledFeatureStore.source(model, data, points, plan.pooling());
            devices.add("partition " + partition + ": " + model.device());
        }

        private void close() {
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }
}
