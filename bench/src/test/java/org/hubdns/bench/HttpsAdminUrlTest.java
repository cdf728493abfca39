package org.hubdns.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.hubdns.server.http.HttpSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --admin-url https://...} against a real member serving HTTPS with a certificate made by the
 * real OpenSSL (self-signed, so it is its own CA): with {@code --cacert} the bench reads the nodes and
 * maps answers to sites; without it, it stops saying to give {@code --cacert}.
 */
class HttpsAdminUrlTest {
    @TempDir
    Path tmp;

    @Test
    void theSiteMapComesFromAnHttpsApiTrustedThroughCacert() throws Exception {
        Path cert = tmp.resolve("member.pem");
        Path key = tmp.resolve("member.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days",
                "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("openssl.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(openssl.exitValue()).as("openssl (apt-get install openssl): %s",
                Files.readString(tmp.resolve("openssl.out"))).isZero();

        try (InJvmHubdns hubdns = InJvmHubdns.demo(Files.createDirectories(tmp.resolve("member")), c -> c.withHttp(HttpSettings.DEFAULT
                .withTls(new HttpSettings.Tls(cert, key), 0)))) {
            String url = "https://127.0.0.1:" + hubdns.httpPort();
            Path out = tmp.resolve("report");
            BenchCli r = BenchCli.run(out, "--server", hubdns.dns(), "--name", "video.pk-hub.example", "--count",
                    "200", "--admin-url", url, "--cacert", cert.toString(), "--admin-token-file",
                    hubdns.tokenFile.toString(), "--report", out.toString(), "--quiet");
            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode j = r.report();
            assertThat(j.path("settings").path("siteMap").asText()).isEqualTo("GET " + url + "/v1/nodes");
            // no ECS: every answer is from the default site, which only the nodes read over HTTPS can name
            assertThat(j.path("sites").path("isb").asLong()).as(j.path("sites").toString()).isEqualTo(200);
            assertThat(j.path("addressSites").path("10.10.1.1").asText()).isEqualTo("isb");

            BenchCli untrusted = BenchCli.run(null, "--server", hubdns.dns(), "--name", "video.pk-hub.example",
                    "--count", "10", "--admin-url", url, "--admin-token-file", hubdns.tokenFile.toString(), "--quiet");
            assertThat(untrusted.exit()).as(untrusted.toString()).isNotZero();
            assertThat(untrusted.err()).contains("--cacert");
        }
    }
}
