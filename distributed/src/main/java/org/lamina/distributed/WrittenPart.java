package org.lamina.distributed;

import org.lamina.analysis.featurestore.StoreManifest;

import java.io.Serializable;

/**
 * A part a Spark task wrote, as it travels back to the driver (the manifest's
 * {@link StoreManifest.Part} is not serializable, and need not be).
 *
 * @param file      file name inside the store
 * @param rows      rows it holds
 * @param firstItem its first item
 * @param lastItem  its last item
 * @param identity  for an image list, the hidden file in the store folder holding its items'
 *                  records for the data set's content identity ({@code ImageListDataset#identityRecords},
 *                  about 120 bytes an item), made by the task that read those images anyway; else null
 */
record WrittenPart(String file, long rows, long firstItem, long lastItem, String identity) implements Serializable {

    private static final long serialVersionUID = 2L;

    /** The side file of part {@code file}'s identity records: hidden, so no reader takes it for data. */
    static String identityFile(String file) {
        return "." + file + ".identity";
    }

    static WrittenPart of(StoreManifest.Part p, String identity) {
        return new WrittenPart(p.file(), p.rows(), p.firstItem(), p.lastItem(), identity);
    }

    StoreManifest.Part part() {
        return new StoreManifest.Part(file, rows, firstItem, lastItem);
    }
}
