package org.lamina.distributed;

import ai.djl.Device;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.CollectionAccumulator;

import org.lamina.analysis.conceptdepth.PooledFeatureStore;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageListDataset;
import org.lamina.analysis.data.ItemStorage;
import org.lamina.analysis.featurestore.FeatureStoreException;
import org.lamina.analysis.featurestore.FeatureStoreWriter;
import org.lamina.analysis.featurestore.PartWriter;
import org.lamina.analysis.featurestore.StoreExtraction;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The work of one Spark partition: a contiguous range of item indices, cut at part boundaries.
 * The model is opened once per partition (on the GPU Spark assigned to the task, else the CPU);
 * the items go through {@link StoreExtraction#run} with {@link PooledFeatureStore#source}, the
 * loop and source the single-machine {@code lamina extract} runs, and every chunk is written by
 * the task itself as the part the single machine would write ({@link PartWriter}: same name, same
 * rows, same encoder): into the store folder itself when it is a path, else to the executor's disk
 * and from there through Hadoop's file systems to the store's URL ({@link PartTarget}). Images of
 * a list at a URL are read through Hadoop's file systems too ({@link HadoopItemStorage}), with
 * the driver's Hadoop configuration. Only the parts' names, row counts and item ranges go back to
 * the driver.
 *
 * <p>A partition depends only on its range and the {@link ExtractionPlan}: when an executor is
 * lost, Spark re-runs its tasks elsewhere and they write the same parts again, each replaced
 * atomically (a speculative copy does the same); the driver writes the manifest only after the
 * whole job has succeeded, from the parts the successful attempts report.
 */
final class PartitionExtractor implements Function2<Integer, Iterator<int[]>, Iterator<WrittenPart>> {

    private static final long serialVersionUID = 1L;

    private final ExtractionPlan plan;
    private final Broadcast<HadoopConf> hadoop;
    private final CollectionAccumulator<String> devices;

    PartitionExtractor(ExtractionPlan plan, Broadcast<HadoopConf> hadoop, CollectionAccumulator<String> devices) {
        this.plan = plan;
        this.hadoop = hadoop;
        this.devices = devices;
    }

    @Override
    public Iterator<WrittenPart> call(Integer partition, Iterator<int[]> ranges) {
        if (!ranges.hasNext()) {
            return Collections.emptyIterator();
        }
        int[] range = ranges.next();
        if (ranges.hasNext()) {
            throw new IllegalStateException("partition " + partition + " got more than one item range");
        }
        if (range[1] <= range[0]) {
            return Collections.emptyIterator();
        }
        if (plan.threads() > 0 && System.getProperty("lamina.threads") == null) {
            // Before the engine starts in this JVM: one task's share of the executor's cores.
            System.setProperty("lamina.threads", Integer.toString(plan.threads()));
        }
        ModelRuntime.goOffline();
        TaskContext task = TaskContext.get();
        Configuration conf = hadoop.value().get();
        List<WrittenPart> written = new ArrayList<>();
        // Closed when the task ends, fails or is killed: try-with-resources runs on the task thread.
        Path modelDir = ItemStorage.isUrl(plan.modelDirectory()) ? ModelCopies.local(plan.modelDirectory(), conf)
                : plan.model();
        try (ProbeableModel model = ModelLoader.open(modelDir, taskDevice(task));
             PartWriter writer = new PartWriter(PooledFeatureStore.columns(model.manifest(), plan.pointList(),
                     plan.pooling()));
             PartTarget parts = PartTarget.of(plan.storeDirectory(), conf)) {
            Dataset data = ExtractionPlan.openData(model.manifest(), plan.dataReference(), new HadoopItemStorage(conf));
            devices.add("partition " + partition + ": " + model.device());
            int[] items = IntStream.range(range[0], range[1]).toArray();
            // A killed task (job cancelled, speculative copy lost) stops between batches.
            ProgressSink cancel = ProgressSink.cancelledWhen(() -> task != null && task.isInterrupted());
            // The writer thread also makes the part's identity records (it reads the part's images
            // once more, from the page cache as a rule) while the next chunk is computed: the driver
            // then need not read the whole data set before the job.
            ImageListDataset list = data instanceof ImageListDataset l ? l : null;
            StoreExtraction.run(PooledFeatureStore.source(model, data, plan.pointList(), plan.pooling()), items,
                    plan.chunkRows(), chunk -> {
                        StoreManifest.Part part = parts.write(writer, chunk,
                                FeatureStoreWriter.partName(chunk.items()[0] / plan.chunkRows()));
                        String identity = null;
                        if (list != null) {
                            // To the store folder, not back through Spark: the driver streams them
                            // one part at a time, so its memory does not grow with the data set.
                            identity = WrittenPart.identityFile(part.file());
                            try {
                                parts.folder().write(identity, list.identityRecords(chunk.items()[0],
                                        chunk.items()[chunk.size() - 1] + 1));
                            } catch (java.io.IOException e) {
                                throw new FeatureStoreException("cannot write " + identity + " into " + parts.folder()
                                        + ": " + e.getMessage(), e);
                            }
                        }
                        written.add(WrittenPart.of(part, identity));
                    }, cancel);
        }
        return written.iterator();
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
}
