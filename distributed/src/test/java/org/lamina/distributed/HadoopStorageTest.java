package org.lamina.distributed;

import org.apache.hadoop.conf.Configuration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.lamina.analysis.data.DataException;
import org.lamina.analysis.data.ItemStorage;
import org.lamina.analysis.featurestore.StoreFolder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #20, lists at URLs: how a list's lines become locations on Hadoop's file systems, the
 * names a content identity records of them, and the Hadoop configuration surviving its trip to
 * the executors (in local mode Spark may hand the driver's object over without serialising it).
 */
class HadoopStorageTest {

    private final HadoopItemStorage storage = new HadoopItemStorage(new Configuration(false));

    @Test
    void linesResolveAgainstTheListsUrl() {
        String list = "hdfs://nn:8020/imagenet/lists/train.txt";
        assertThat(storage.resolve(list, "n01/a.JPEG")).isEqualTo("hdfs://nn:8020/imagenet/lists/n01/a.JPEG");
        assertThat(storage.resolve(list, "../train/n01/a.JPEG")).isEqualTo("hdfs://nn:8020/imagenet/train/n01/a.JPEG");
        // An absolute path keeps the list's file system; a URL is its own.
        assertThat(storage.resolve(list, "/data/b.png")).isEqualTo("hdfs://nn:8020/data/b.png");
        assertThat(storage.resolve(list, "s3a://bucket/c.png")).isEqualTo("s3a://bucket/c.png");
    }

    @Test
    void aLocalListStaysLocalButMayNameUrls() {
        String list = Path.of("/shared/lists/train.txt").toString();
        assertThat(storage.resolve(list, "img/a.png")).isEqualTo(ItemStorage.LOCAL.resolve(list, "img/a.png"))
                .isEqualTo("/shared/lists/img/a.png");
        assertThat(storage.resolve(list, "hdfs://nn/x/a.png")).isEqualTo("hdfs://nn/x/a.png");
        // Only the Spark side opts in: the local storage refuses the same line.
        assertThatThrownBy(() -> ItemStorage.LOCAL.resolve(list, "hdfs://nn/x/a.png")).isInstanceOf(DataException.class)
                .hasMessageContaining("is a URL");
    }

    @Test
    void identityNamesAreThoseOfTheSameFilesAsPaths() {
        assertThat(storage.identityName("hdfs://nn/imagenet/n01/a.JPEG"))
                .isEqualTo(ItemStorage.LOCAL.identityName("/imagenet/n01/a.JPEG")).isEqualTo("n01/a.JPEG");
        assertThat(storage.identityName("s3a://bucket/a.png")).isEqualTo(ItemStorage.LOCAL.identityName("/a.png"))
                .isEqualTo("a.png");
        assertThat(storage.fileName("hdfs://nn/lists/train.txt")).isEqualTo("train.txt");
    }

    @Test
    void partsReplaceAnEarlierCopyWholeAndLeaveNothingElse(@TempDir Path tmp) throws IOException {
        Configuration conf = new Configuration(false);
        conf.set("fs.testfs.impl", TestingFileSystem.class.getName());
        Path local = Files.writeString(tmp.resolve("part-00000.parquet"), "first");
        for (String url : new String[] {TestingFileSystem.url(tmp.resolve("hdfs-like")), "file:" + tmp.resolve("file-url")}) {
            HadoopStoreFolder folder = new HadoopStoreFolder(url, conf);
            assertThat(folder.kind()).isEqualTo(StoreFolder.Kind.MISSING);
            folder.create();
            folder.upload(local, "part-00000.parquet");
            // A re-run task writes the part again: on HDFS (and testfs:) a rename does not
            // replace, so the old copy is removed first.
            Files.writeString(local, "second");
            folder.upload(local, "part-00000.parquet");
            folder.write("_manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
            Path dir = Path.of(url.substring(url.indexOf(':') + 1).replaceFirst("^//", ""));
            assertThat(Files.readString(dir.resolve("part-00000.parquet"))).isEqualTo("second");
            // No hidden temporary file and, for file: URLs, no Hadoop .crc files beside the parts.
            try (var files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).as(url)
                        .containsExactly("_manifest.json", "part-00000.parquet");
            }
            assertThat(folder.list()).containsExactlyInAnyOrder("_manifest.json", "part-00000.parquet");
            assertThat(folder.isFile("_manifest.json")).isTrue();
            Files.writeString(local, "first");
        }
    }

    @Test
    void theHadoopConfigurationTravelsWithItsKeys() throws IOException, ClassNotFoundException {
        Configuration conf = new Configuration(false);
        conf.set("fs.testfs.impl", TestingFileSystem.class.getName());
        conf.set("fs.s3a.endpoint", "http://minio:9000");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new HadoopConf(conf));
        }
        HadoopConf back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (HadoopConf) in.readObject();
        }
        assertThat(back.get().get("fs.testfs.impl")).isEqualTo(TestingFileSystem.class.getName());
        assertThat(back.get().get("fs.s3a.endpoint")).isEqualTo("http://minio:9000");
        assertThat(back.get().size()).isEqualTo(2);
    }
}
