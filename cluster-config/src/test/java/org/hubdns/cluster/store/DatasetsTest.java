package org.hubdns.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunked datasets with a real (single) member: racing uploads, then a restart from the data dir. */
class DatasetsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Map<String, Function<DatasetFile, Object>> RAW = Map.of("blob", DatasetFile::bytes);

    @TempDir
    Path dir;

    private Registry start() throws Exception {
        return Registry.start(new ClusterSettings("t-" + UUID.randomUUID(), LOOPBACK, Loopback.freePort(), List.of(),
                dir), RAW);
    }

    @Test
    void racingUploadsLeaveTheWinnersBytesEverywhereAndARestartServesThem() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<byte[]> uploads = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[(1 << 20) + random.nextInt(1 << 20)]; // two chunks each
            random.nextBytes(b);
            uploads.add(b);
        }
        String winner;
        try (Registry r = start()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<DatasetMeta>> done = new ArrayList<>();
            for (byte[] b : uploads) {
                done.add(pool.submit(() -> r.putDataset("blob", b, Map.of(), null)));
            }
            for (Future<DatasetMeta> f : done) {
                f.get();
            }
            pool.shutdown();
            // the winner is what the cluster holds: the last upload to win the compare-and-set
            winner = Json.read(r.get(Kind.DATASETS, "blob").body(), DatasetMeta.class).sha256();
            RegistryView view = r.freshView();
            assertThat(view.datasetMetas().get("blob").sha256()).as("seed %d: the loaded upload", seed)
                    .isEqualTo(winner);
            byte[] served = (byte[]) view.datasets().get("blob");
            assertThat(LocalStore.sha256(served)).as("seed %d: the member serves the winning upload", seed)
                    .isEqualTo(winner);
            assertThat(LocalStore.sha256(Files.readAllBytes(dir.resolve("datasets/blob.bin"))))
                    .as("seed %d: the data dir holds the winning upload", seed).isEqualTo(winner);
        }
        try (Registry again = start()) {
            DatasetMeta restored = again.view().datasetMetas().get("blob");
            assertThat(restored).as("seed %d: restored after a full restart", seed).isNotNull();
            assertThat(restored.sha256()).isEqualTo(winner);
            assertThat(LocalStore.sha256((byte[]) again.view().datasets().get("blob"))).isEqualTo(winner);
        }
    }
}
