package org.hubdns.geo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.hubdns.server.Main;
import org.hubdns.testsupport.Await;
import org.hubdns.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measure only ({@code -Dhubdns.measure=true}; nothing is asserted about size or speed): the RSS of
 * a member process run as the systemd unit runs it ({@code -Xmx1g}, the default collector) while
 * ten clients upload a 200 MiB GeoIP database at once, with the default two large-upload slots
 * and with ten. The database is a valid City database padded to the upload limit.
 */
@EnabledIfSystemProperty(named = "hubdns.measure", matches = "true")
class LargeUploadMemoryMeasureTest {
    private static final int CLIENTS = 10;

    @Test
    void rssDuringTenConcurrentMaximumUploads() throws Exception {
        Path dir = Files.createTempDirectory("hubdns-measure");
        Path db = padded(dir.resolve("padded.mmdb"), GeoFixture.v1(), 200L << 20);
        for (int slots : new int[] {2, CLIENTS}) {
            measure(dir.resolve("slots-" + slots), db, slots);
        }
    }

    private static void measure(Path dir, Path db, int slots) throws Exception {
        Files.createDirectories(dir);
        int http = FreePorts.tcp();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--demo",
                "--dns-port", Integer.toString(FreePorts.dns()), "--http-port", Integer.toString(http),
                "--cluster-port", Integer.toString(FreePorts.tcp()), "--cluster-name", "measure-" + slots,
                "--data-dir", dir.resolve("data").toString(), "--api-large-uploads", Integer.toString(slots)));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("member.log").toFile()).start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            Await.until(Duration.ofSeconds(60), "member serving", () -> {
                try {
                    return client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + http
                            + "/v1/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            String admin = Files.readString(dir.resolve("data").resolve("admin.token")).strip();
            long idle = rssKiB(p.pid());
            AtomicLong peak = new AtomicLong(idle);
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        peak.accumulateAndGet(rssKiB(p.pid()), Math::max);
                        Thread.sleep(50);
                    } catch (InterruptedException | IOException e) {
                        return;
                    }
                }
            });
            sampler.start();
            long t0 = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                uploads.add(client.sendAsync(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + http
                                + "/v1/geoip")).timeout(Duration.ofMinutes(5))
                        // no expectContinue: with it, JDK 17's client never completed a request refused 503
                        .header("Authorization", "Bearer " + admin)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofFile(db)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            Map<String, Integer> statuses = new TreeMap<>();
            for (CompletableFuture<HttpResponse<String>> u : uploads) {
                String s;
                try {
                    s = Integer.toString(u.get().statusCode());
                } catch (java.util.concurrent.ExecutionException e) {
                    s = e.getCause().getClass().getSimpleName();
                }
                statuses.merge(s, 1, Integer::sum);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(500);
            sampler.interrupt();
            sampler.join();
            System.out.printf("MEASURE large uploads: %d clients x %d MiB, --api-large-uploads %d: statuses %s in "
                    + "%d ms; RSS idle %d MiB, peak %d MiB, after %d MiB (VmHWM %d MiB)%n", CLIENTS,
                    Files.size(db) >> 20, slots, statuses, ms, idle >> 10, peak.get() >> 10, rssKiB(p.pid()) >> 10,
                    status(p.pid(), "VmHWM") >> 10);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    /** {@code mmdb} with zeros after its data section, before the metadata, to {@code size} bytes: still valid. */
    static Path padded(Path file, byte[] mmdb, long size) throws IOException {
        byte[] marker = {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'};
        int at = -1;
        for (int i = mmdb.length - marker.length; i >= 0 && at < 0; i--) {
            if (java.util.Arrays.equals(mmdb, i, i + marker.length, marker, 0, marker.length)) {
                at = i;
            }
        }
        // the end of the data section: nothing points into the padding
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(mmdb, 0, at);
            byte[] zeros = new byte[1 << 20];
            for (long left = size - mmdb.length; left > 0; left -= zeros.length) {
                out.write(zeros, 0, (int) Math.min(left, zeros.length));
            }
            out.write(mmdb, at, mmdb.length - at);
        }
        return file;
    }

    private static long rssKiB(long pid) throws IOException {
        return status(pid, "VmRSS");
    }

    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                StandardCharsets.US_ASCII)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
