package org.hubdns.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hubdns.bench.BenchInputException;

/**
 * The few calls of hubdns's operator API the bench makes: the cache nodes (for the address-to-site
 * map and the scenarios) and drain/undrain of one node. Errors say which URL failed and why.
 */
public final class AdminApi {
    public static final String TOKEN_ENV = "HUBDNS_ADMIN_TOKEN";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http;

    /** Trusting the JVM's default trust store for https. */
    public AdminApi(URI base, String token) {
        this(base, token, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    private AdminApi(URI base, String token, HttpClient http) {
        this.base = base;
        this.token = token;
        this.http = http;
    }

    /** @param caCert PEM CA certificate(s) to trust for https (a private CA), or null for the JVM's default */
    public static AdminApi of(URI base, String token, Path caCert) throws BenchInputException {
        if (caCert == null) {
            return new AdminApi(base, token);
        }
        return new AdminApi(base, token, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .sslContext(trusting(caCert)).build());
    }

    /** An SSL context that trusts the certificates of a PEM file, and nothing else. */
    private static SSLContext trusting(Path pem) throws BenchInputException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new BenchInputException("--cacert " + pem + ": no PEM certificate in it; give the CA's "
                        + "certificate (-----BEGIN CERTIFICATE-----)");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new BenchInputException("--cacert " + pem + ": cannot read it (" + e + ")");
        } catch (GeneralSecurityException e) {
            throw new BenchInputException("--cacert " + pem + ": not a PEM CA certificate (" + e.getMessage() + ")");
        }
    }

    /** A cache node as the API shows it (only what the bench uses). */
    public record Node(String id, String site, List<String> addresses, String admin) {
    }

    /**
     * The token from {@code --admin-token}, else {@code $HUBDNS_ADMIN_TOKEN}, else
     * {@code --admin-token-file}; null when none was given.
     */
    public static String resolveToken(String flag, Path file) throws BenchInputException {
        if (flag != null && !flag.isBlank()) {
            return flag.strip();
        }
        if (file != null) {
            try {
                String t = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (t.isEmpty()) {
                    throw new BenchInputException("--admin-token-file " + file + " is empty");
                }
                return t;
            } catch (IOException e) {
                throw new BenchInputException("--admin-token-file " + file + ": cannot read it (" + e + "); the "
                        + "token is in <data-dir>/admin.token of the member that generated it");
            }
        }
        String env = System.getenv(TOKEN_ENV);
        return env == null || env.isBlank() ? null : env.strip();
    }

    public List<Node> nodes() throws BenchInputException {
        JsonNode arr = parse(get("/v1/nodes"), "/v1/nodes");
        if (!arr.isArray()) {
            throw new BenchInputException(base + "/v1/nodes did not return a list of nodes; is this a hubdns API?");
        }
        List<Node> out = new ArrayList<>();
        for (JsonNode n : arr) {
            List<String> addresses = new ArrayList<>();
            n.path("addresses").forEach(a -> addresses.add(a.asText()));
            out.add(new Node(n.path("id").asText(), n.path("site").asText(), addresses,
                    n.path("state").path("admin").asText("")));
        }
        return out;
    }

    public void drain(String id) throws BenchInputException {
        post("/v1/nodes/" + id + "/drain");
    }

    public void undrain(String id) throws BenchInputException {
        post("/v1/nodes/" + id + "/undrain");
    }

    private String get(String path) throws BenchInputException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), path);
    }

    private String post(String path) throws BenchInputException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()), path);
    }

    private String send(HttpRequest.Builder b, String path) throws BenchInputException {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.timeout(Duration.ofSeconds(10));
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new BenchInputException(base + path + ": connection refused; is hubdns's HTTP API running there? "
                    + "check --admin-url");
        } catch (javax.net.ssl.SSLException e) {
            throw new BenchInputException(base + path + ": TLS failed (" + e.getMessage() + "); for a private CA "
                    + "give its certificate with --cacert, and check that --admin-url names the certificate's host");
        } catch (IOException e) {
            throw new BenchInputException(base + path + ": " + e.getMessage() + "; check --admin-url");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchInputException(base + path + ": interrupted");
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new BenchInputException(base + path + ": " + r.statusCode() + " (not allowed): give the operator's "
                    + "token with --admin-token, --admin-token-file or $" + TOKEN_ENV
                    + (token == null ? " (none was given)" : ""));
        }
        if (r.statusCode() / 100 != 2) {
            throw new BenchInputException(base + path + ": HTTP " + r.statusCode() + ": " + abbreviate(r.body()));
        }
        return r.body();
    }

    private JsonNode parse(String body, String path) throws BenchInputException {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new BenchInputException(base + path + " did not return JSON; is this a hubdns API?");
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() > 200 ? t.substring(0, 197) + "..." : t;
    }
}
