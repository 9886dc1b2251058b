package org.lamina.distributed;

import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * The driver's Hadoop configuration as it travels to the executors (a broadcast, once per
 * executor): {@link Configuration} is not {@link Serializable}, but writes itself, so the keys
 * spark-submit set ({@code spark.hadoop.fs.s3a.*}, the cluster's {@code core-site.xml}) reach the
 * tasks that read the images and write the parts through Hadoop's file systems (issue #20).
 */
final class HadoopConf implements Serializable {

    private static final long serialVersionUID = 1L;

    private transient Configuration conf;

    HadoopConf(Configuration conf) {
        this.conf = conf;
    }

    /** The configuration. */
    Configuration get() {
        return conf;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        // No defaults loaded: every key the driver had, and only those, comes from the stream.
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
