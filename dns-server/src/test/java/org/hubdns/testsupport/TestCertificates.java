package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private CA and server certificates made by the real OpenSSL command line (Debian package
 * {@code openssl}) in a test's directory, and the clients that trust that CA. A test without
 * {@code openssl} fails saying how to install it.
 */
public final class TestCertificates {
    private final Path dir;
    private final Path caCert;
    private final Path caKey;

    private TestCertificates(Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.caKey = dir.resolve("ca.key");
        this.caCert = dir.resolve("ca.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey.toString(), "-out", caCert.toString(), "-days", "2", "-subj", "/CN=hubdns test CA");
    }

    /** A new CA in {@code dir}. */
    public static TestCertificates ca(Path dir) throws Exception {
        return new TestCertificates(dir);
    }

    /** The CA's certificate (for {@code --cacert}, curl's {@code --cacert}). */
    public Path caCert() {
        return caCert;
    }

    /** A server certificate and its key as files; {@code serial} is the certificate's serial number. */
    public record Pair(Path cert, Path key, BigInteger serial) {
    }

    /**
     * A certificate for 127.0.0.1 and localhost signed by the CA, with {@code serial}; {@code rsa} picks
     * an RSA key (PKCS#8), else EC P-256. The cert file holds the chain: the server's, then the CA's.
     */
    public Pair issue(String name, long serial, boolean rsa) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path leaf = dir.resolve(name + ".leaf.pem");
        Path cert = dir.resolve(name + ".pem");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        List<String> req = new ArrayList<>(List.of("req", "-new", "-nodes", "-keyout", key.toString(), "-out",
                csr.toString(), "-subj", "/CN=127.0.0.1"));
        req.addAll(rsa ? List.of("-newkey", "rsa:2048") : List.of("-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1"));
        openssl(req.toArray(String[]::new));
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-set_serial", Long.toString(serial), "-days", "2", "-extfile", ext.toString(), "-out", leaf.toString());
        Files.writeString(cert, Files.readString(leaf) + Files.readString(caCert));
        return new Pair(cert, key, BigInteger.valueOf(serial));
    }

    /**
     * Puts {@code cert} and {@code key} at {@code certPath} and {@code keyPath} as a renewal would:
     * each written beside and renamed over, so that a reader sees the old file or the new one, whole.
     */
    public static void install(Path cert, Path key, Path certPath, Path keyPath) throws IOException {
        Path tc = certPath.resolveSibling(certPath.getFileName() + ".new");
        Path tk = keyPath.resolveSibling(keyPath.getFileName() + ".new");
        Files.copy(cert, tc, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(key, tk, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tk, keyPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tc, certPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** An SSL context trusting this CA only. */
    public SSLContext trusting() throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            ks.setCertificateEntry("ca", ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A java.net.http client trusting this CA (each call a new client: new connections, new handshakes). */
    public HttpClient client() throws Exception {
        return HttpClient.newBuilder().sslContext(trusting()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The serial of the certificate 127.0.0.1:{@code port} presents on a new connection. */
    public BigInteger servedSerial(int port) throws Exception {
        try (SSLSocket s = (SSLSocket) trusting().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                port)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** Runs a program to its end (bounded); returns its exit code and output. */
    public static Run run(Duration limit, String... command) throws Exception {
        Path out = Files.createTempFile("hubdns-run", ".out");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException e) {
                return fail("cannot run %s (%s): install it (apt-get install openssl curl; .ci/run does)",
                        command[0], e);
            }
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return fail("%s did not finish within %s", String.join(" ", command), limit);
            }
            return new Run(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A finished program. */
    public record Run(int exit, String output) {
    }

    private static void openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Run r = run(Duration.ofSeconds(30), command);
        if (r.exit() != 0) {
            fail("openssl %s failed (exit %d): %s", String.join(" ", args), r.exit(), r.output());
        }
    }
}
