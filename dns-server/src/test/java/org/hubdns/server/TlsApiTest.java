package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.hubdns.server.http.HttpSettings;
import org.hubdns.server.http.TlsReload;
import org.hubdns.testsupport.Await;
import org.hubdns.testsupport.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API over HTTPS on a real member on 127.0.0.1, with certificates made by the real
 * OpenSSL: clients that trust the private CA (java.net.http, curl) get the API, the dashboard and
 * {@code /metrics}; TLS 1.1 is refused; a renewed certificate on disk is served to new connections
 * and a bad new pair is refused while the old one keeps serving.
 */
class TlsApiTest {
    @TempDir
    Path tmp;

    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestCertificates.Pair start(TestCertificates ca, int checkSeconds) throws Exception {
        TestCertificates.Pair first = ca.issue("first", 1001, true);
        Path cert = tmp.resolve("tls.pem");
        Path key = tmp.resolve("tls.key");
        TestCertificates.install(first.cert(), first.key(), cert, key);
        server = RunningServer.demo(c -> c.withHttp(HttpSettings.DEFAULT.withTls(new HttpSettings.Tls(cert, key),
                checkSeconds)));
        return first;
    }

    private String url(String path) {
        return "https://127.0.0.1:" + server.httpPort() + path;
    }

    @Test
    void clientsTrustingTheCaGetTheApiTheDashboardAndMetricsOverHttps() throws Exception {
        TestCertificates ca = TestCertificates.ca(tmp.resolve("ca"));
        TestCertificates.Pair first = start(ca, 0);
        HttpClient client = ca.client();

        for (String path : new String[] {"/v1/health", "/metrics", "/", "/v1/dashboard"}) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url(path)))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
            assertThat(r.sslSession()).as(path).isPresent();
            assertThat(r.sslSession().get().getProtocol()).isIn("TLSv1.2", "TLSv1.3");
        }
        HttpResponse<String> nodes = client.send(HttpRequest.newBuilder(URI.create(url("/v1/nodes")))
                .header("Authorization", "Bearer " + server.demoPartnerToken()).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(nodes.statusCode()).as(nodes.body()).isEqualTo(200);
        assertThat(ca.servedSerial(server.httpPort())).isEqualTo(first.serial());

        // curl, with the CA given as an operator would
        TestCertificates.Run curl = TestCertificates.run(Duration.ofSeconds(20), "curl", "-sS", "--max-time", "10",
                "--cacert", ca.caCert().toString(), "-H", "Authorization: Bearer " + server.adminToken(),
                url("/v1/health/nodes"));
        assertThat(curl.exit()).as(curl.output()).isZero();
        assertThat(curl.output()).contains("\"nodes\"");
        TestCertificates.Run untrusted = TestCertificates.run(Duration.ofSeconds(20), "curl", "-sS", "--max-time",
                "10", url("/v1/health"));
        assertThat(untrusted.exit()).as("curl without the CA must not trust the certificate: %s", untrusted.output())
                .isNotZero();

        // plain HTTP to the HTTPS port gets no API
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest insecure = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/health"))
                .timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> r = plain.send(insecure, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isNotEqualTo(200);
        } catch (java.io.IOException expected) {
            // the TLS listener closes a plain-text request
        }
    }

    @Test
    void tls11IsRefusedAndTls12And13AreServed() throws Exception {
        TestCertificates ca = TestCertificates.ca(tmp.resolve("ca"));
        start(ca, 0);
        String target = "127.0.0.1:" + server.httpPort();
        // SECLEVEL=0 lets OpenSSL's client offer TLS 1.1 at all: the refusal must be the server's
        TestCertificates.Run tls11 = TestCertificates.run(Duration.ofSeconds(20), "openssl", "s_client", "-connect",
                target, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "-CAfile", ca.caCert().toString());
        assertThat(tls11.exit()).as(tls11.output()).isNotZero();
        // the server's answer to the ClientHello: a protocol_version alert (70), no certificate sent
        assertThat(tls11.output()).contains("alert protocol version").contains("no peer certificate available");
        for (String version : new String[] {"-tls1_2", "-tls1_3"}) {
            TestCertificates.Run ok = TestCertificates.run(Duration.ofSeconds(20), "openssl", "s_client", "-connect",
                    target, version, "-CAfile", ca.caCert().toString(), "-verify_ip", "127.0.0.1");
            assertThat(ok.exit()).as("%s: %s", version, ok.output()).isZero();
            assertThat(ok.output()).as(version).contains("Verify return code: 0 (ok)")
                    .contains(version.equals("-tls1_2") ? "TLSv1.2" : "TLSv1.3");
        }
    }

    @Test
    void aRenewedCertificateOnDiskIsServedToNewConnections() throws Exception {
        TestCertificates ca = TestCertificates.ca(tmp.resolve("ca"));
        TestCertificates.Pair first = start(ca, 1);
        assertThat(ca.servedSerial(server.httpPort())).isEqualTo(first.serial());

        TestCertificates.Pair renewed = ca.issue("renewed", 2002, false); // and from RSA to EC
        TestCertificates.install(renewed.cert(), renewed.key(), tmp.resolve("tls.pem"), tmp.resolve("tls.key"));
        Await.until(Duration.ofSeconds(15), "new connections get the renewed certificate",
                () -> ca.servedSerial(server.httpPort()).equals(renewed.serial()),
                () -> ca.servedSerial(server.httpPort()));
        HttpResponse<String> r = ca.client().send(HttpRequest.newBuilder(URI.create(url("/v1/health")))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void aBadNewPairIsRefusedAndTheOldOneKeepsServing() throws Exception {
        TestCertificates ca = TestCertificates.ca(tmp.resolve("ca"));
        TestCertificates.Pair first = start(ca, 1);
        Path cert = tmp.resolve("tls.pem");
        Path key = tmp.resolve("tls.key");
        TestCertificates.Pair other = ca.issue("other", 3003, true);
        TestCertificates.Pair third = ca.issue("third", 4004, true);

        // a certificate with another certificate's key (a renewal caught half-way)
        TestCertificates.install(other.cert(), third.key(), cert, key);
        TlsReload mismatched = server.server().reloadTls().toCompletionStage().toCompletableFuture()
                .get(15, TimeUnit.SECONDS);
        assertThat(mismatched).isInstanceOf(TlsReload.Refused.class);
        assertThat(((TlsReload.Refused) mismatched).reason()).contains("--tls-key").contains("not the key");
        // the timed check sees the same bad files and also keeps the old pair
        Thread.sleep(2500);
        assertThat(ca.servedSerial(server.httpPort())).isEqualTo(first.serial());

        Files.writeString(cert, "not a certificate\n");
        TlsReload garbage = server.server().reloadTls().toCompletionStage().toCompletableFuture()
                .get(15, TimeUnit.SECONDS);
        assertThat(garbage).isInstanceOf(TlsReload.Refused.class);
        assertThat(((TlsReload.Refused) garbage).reason()).contains("--tls-cert");
        Files.delete(key);
        assertThat(server.server().reloadTls().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS))
                .isInstanceOf(TlsReload.Refused.class);
        assertThat(ca.servedSerial(server.httpPort())).isEqualTo(first.serial());
        HttpResponse<String> r = ca.client().send(HttpRequest.newBuilder(URI.create(url("/v1/health")))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);

        // fixed: served at once
        TestCertificates.install(third.cert(), third.key(), cert, key);
        TlsReload fixed = server.server().reloadTls().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(fixed).isInstanceOfAny(TlsReload.Swapped.class, TlsReload.Unchanged.class);
        assertThat(ca.servedSerial(server.httpPort())).isEqualTo(third.serial());
        BigInteger unchanged = ca.servedSerial(server.httpPort());
        assertThat(server.server().reloadTls().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS))
                .isInstanceOf(TlsReload.Unchanged.class);
        assertThat(unchanged).isEqualTo(third.serial());
    }

    @Test
    void aMemberCannotStartWithAPairThatCannotServe() throws Exception {
        TestCertificates ca = TestCertificates.ca(tmp.resolve("ca"));
        TestCertificates.Pair a = ca.issue("a", 5005, false);
        TestCertificates.Pair b = ca.issue("b", 6006, false);
        assertThatThrownBy(() -> RunningServer.demo(c -> c.withHttp(HttpSettings.DEFAULT.withTls(
                new HttpSettings.Tls(a.cert(), b.key()), 0))))
                .isInstanceOf(StartupException.class).hasMessageContaining("not the key");
    }
}
