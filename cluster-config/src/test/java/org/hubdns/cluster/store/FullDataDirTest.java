package org.hubdns.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hubdns.cluster.store.Loopback.await;
import static org.hubdns.cluster.store.Loopback.freePort;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.hubdns.cluster.model.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose data dir (a real tmpfs, mounted here as root) filled up: a write that reached it
 * through the cluster makes its MVStore fail for real; its own writes are refused with DataDirFull
 * meanwhile (its own audit trail and feed logs can still be read), and once space returns they succeed
 * again and the reopened store holds what the cluster has.
 */
class FullDataDirTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    /** What a test does with two members of one cluster, the first with its data dir on a small tmpfs. */
    interface Scenario {
        void run(Registry full, Registry other, Path filler) throws Exception;
    }

    /** Runs {@code scenario} with the members started and joined; returns the full member's data dir, its members closed. */
    private Path onSmallDisk(String name, Scenario scenario) throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", small.toString());
        try {
            String cluster = name + "-" + UUID.randomUUID();
            int p1 = freePort();
            int p2 = freePort();
            try (Registry full = Registry.start(new ClusterSettings(cluster, LOOPBACK, p1, List.of(), small.resolve("data")),
                    Map.of());
                    Registry other = Registry.start(new ClusterSettings(cluster, LOOPBACK, p2,
                            List.of(LOOPBACK.getHostAddress() + ":" + p1), dir.resolve("other")), Map.of())) {
                await("both members see each other", () -> full.members() == 2);
                scenario.run(full, other, small.resolve("filler"));
            }
            // the data dir is read while the tmpfs is still mounted
            return small.resolve("data");
        } catch (Exception | AssertionError e) {
            run("umount", "-l", small.toString());
            throw e;
        }
    }

    /** Writes through {@code other} until they reach {@code full}'s store, which cannot write its chunk. */
    private static void failTheStore(Registry full, Registry other) throws Exception {
        for (int i = 0; i < 50 && !full.localStore().failed(); i++) {
            other.put(Kind.SITES, "during-" + i, new Site("during-" + i, "Karachi", "PK", 24.86, 67.01));
            Thread.sleep(200); // the store's background commit runs once a second
        }
        assertThat(full.localStore().failed()).as("the store failed on the full disk").isTrue();
    }

    @Test
    void aMemberWhoseDiskFilledUpAcceptsWritesAgainOnceSpaceReturns() throws Exception {
        Path data = onSmallDisk("full", (full, other, filler) -> {
            full.put(Kind.SITES, "before", new Site("before", "Islamabad", "PK", 33.72, 73.04));

            fill(filler);
            assertThatThrownBy(() -> full.put(Kind.SITES, "refused", new Site("refused", "Lahore", "PK", 31.5, 74.3)))
                    .isInstanceOf(DataDirFull.class);
            failTheStore(full, other);
            assertThatThrownBy(() -> full.put(Kind.SITES, "still", new Site("still", "Quetta", "PK", 30.2, 67.0)))
                    .isInstanceOf(DataDirFull.class).hasMessageContaining("could not be written")
                    .hasMessageContaining("free space");

            // reads of what only this member's store holds (its audit trail, its feed logs) still work:
            // the failed store keeps serving what it has in memory
            assertThat(full.auditLog().newest(null, null, e -> true, 10)).as("the audit trail, read meanwhile")
                    .isNotNull();
            assertThat(full.localStore().logs()).as("the feed logs, read meanwhile").isNotNull();
            assertThat(full.localStore().failed()).as("still failed after the reads").isTrue();

            Files.delete(filler);
            full.put(Kind.SITES, "after", new Site("after", "Multan", "PK", 30.2, 71.5));
            assertThat(full.localStore().failed()).isFalse();
        });
        try (LocalStore reopened = LocalStore.open(data)) {
            Map<String, Stored> sites = reopened.entries(Kind.SITES);
            assertThat(sites).as("the data dir holds what the cluster holds").containsKeys("before", "during-0",
                    "after");
            assertThat(sites).doesNotContainKey("refused");
        } finally {
            run("umount", "-l", data.getParent().toString());
        }
    }

    @Test
    void aMemberNobodyWritesThroughReopensItsStoreOnItsOwn() throws Exception {
        Path data = onSmallDisk("idle", (full, other, filler) -> {
            fill(filler);
            failTheStore(full, other);

            Files.delete(filler);
            // no write through the full member: its own periodic look reopens the store
            await("the store reopened without a write through this member", () -> !full.localStore().failed());
            other.put(Kind.SITES, "later", new Site("later", "Peshawar", "PK", 34.0, 71.5));
            await("the reopened member hears later writes", () -> full.get(Kind.SITES, "later") != null);
        });
        try (LocalStore reopened = LocalStore.open(data)) {
            assertThat(reopened.entries(Kind.SITES)).as("the data dir holds what the cluster holds")
                    .containsKeys("during-0", "later");
        } finally {
            run("umount", "-l", data.getParent().toString());
        }
    }

    /** Writes to {@code file} until the disk refuses. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 4096; i++) { // bounded: 256 MiB, far more than the tmpfs holds
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space")) {
                throw e;
            }
            return;
        }
        throw new IllegalStateException("the tmpfs did not fill up");
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + out.strip() + "): this test mounts a "
                    + "small tmpfs to fill it, so it runs as root (as CI does)");
        }
    }
}
