package org.hubdns.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * A certificate chain and its private key as read from the {@code --tls-cert} and {@code --tls-key}
 * PEM files, checked the way the listener will use them: parsed by Vert.x itself, and the key proven
 * to belong to the first certificate (Vert.x would otherwise serve a pair no client can verify).
 *
 * @param certPem the certificate file's bytes, as served
 * @param keyPem the key file's bytes
 * @param chain the certificates in the order of the file (the server's own first)
 */
public record CertificatePair(byte[] certPem, byte[] keyPem, List<X509Certificate> chain) {
    private static final String[] KEY_TYPES = {"RSA", "EC", "EdDSA", "Ed25519", "Ed448", "RSASSA-PSS"};

    public CertificatePair {
        chain = List.copyOf(chain);
    }

    /** Reads and checks both files; any problem is a {@link TlsPairException} saying what to do. */
    public static CertificatePair read(HttpSettings.Tls files) throws TlsPairException {
        byte[] cert = readFile(files.cert(), "--tls-cert", "the PEM certificate (chain)");
        byte[] key = readFile(files.key(), "--tls-key", "the PEM private key");
        List<X509Certificate> chain = certificates(files.cert(), cert);
        if (new String(key, StandardCharsets.US_ASCII).contains("ENCRYPTED")) {
            throw new TlsPairException("--tls-key " + files.key() + ": the key is encrypted; hubdns cannot ask for "
                    + "a passphrase: write it unencrypted (openssl pkey -in KEY -out KEY.plain) and keep the file 0600");
        }
        PrivateKey privateKey = privateKey(files, cert, key);
        if (!matches(privateKey, chain.get(0).getPublicKey())) {
            throw new TlsPairException("--tls-key " + files.key() + " is not the key of the certificate in --tls-cert "
                    + files.cert() + " (" + subject(chain.get(0)) + "); give the key the certificate was issued for, "
                    + "or both files of the same renewal");
        }
        return new CertificatePair(cert, key, chain);
    }

    /** The options the listener serves this pair with. */
    public PemKeyCertOptions options() {
        return new PemKeyCertOptions().setCertValue(Buffer.buffer(certPem)).setKeyValue(Buffer.buffer(keyPem));
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Whether both files hold exactly what this pair was read from (the check for a change on disk). */
    public boolean sameAs(byte[] cert, byte[] key) {
        return Arrays.equals(certPem, cert) && Arrays.equals(keyPem, key);
    }

    /** For logs: subject, serial and expiry of the server's certificate, and the chain's length. */
    public String describe() {
        X509Certificate c = leaf();
        return subject(c) + ", serial " + c.getSerialNumber().toString(16) + ", valid until "
                + c.getNotAfter().toInstant() + (chain.size() > 1 ? ", chain of " + chain.size() : "");
    }

    /** Null while the certificate is valid now; else why not (a warning: the member still serves DNS). */
    public String validityProblem(Instant now) {
        X509Certificate c = leaf();
        if (now.isAfter(c.getNotAfter().toInstant())) {
            return "the certificate (" + subject(c) + ") expired at " + c.getNotAfter().toInstant()
                    + "; clients will refuse it: renew it and send SIGHUP (or replace the files)";
        }
        if (now.isBefore(c.getNotBefore().toInstant())) {
            return "the certificate (" + subject(c) + ") is not valid before " + c.getNotBefore().toInstant()
                    + "; check this machine's clock";
        }
        return null;
    }

    static byte[] readFile(Path file, String flag, String what) throws TlsPairException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsPairException(flag + " " + file + ": no such file; give " + what + " file");
        } catch (AccessDeniedException e) {
            throw new TlsPairException(flag + " " + file + ": permission denied; make it readable by the user "
                    + "hubdns runs as");
        } catch (IOException e) {
            throw new TlsPairException(flag + " " + file + ": cannot read it (" + e.getMessage() + "); give " + what
                    + " file");
        }
    }

    private static List<X509Certificate> certificates(Path file, byte[] pem) throws TlsPairException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            f.generateCertificates(new ByteArrayInputStream(pem)).forEach(c -> out.add((X509Certificate) c));
        } catch (GeneralSecurityException e) {
            throw new TlsPairException("--tls-cert " + file + ": not a PEM certificate chain (" + e.getMessage()
                    + "); give the certificate first, then any intermediates, each as -----BEGIN CERTIFICATE-----");
        }
        if (out.isEmpty()) {
            throw new TlsPairException("--tls-cert " + file + ": no certificate in it; give the PEM certificate "
                    + "(-----BEGIN CERTIFICATE-----), then any intermediates");
        }
        return out;
    }

    private static PrivateKey privateKey(HttpSettings.Tls files, byte[] cert, byte[] key) throws TlsPairException {
        KeyManager[] managers;
        try {
            // the listener's own parser (PKCS#8, PKCS#1 RSA, SEC1 EC): what it takes here, it serves
            managers = new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key))
                    .getKeyManagerFactory(null).getKeyManagers();
        } catch (Exception e) {
            throw new TlsPairException("--tls-key " + files.key() + " with --tls-cert " + files.cert()
                    + ": cannot be used (" + e.getMessage() + "); give the PEM private key (-----BEGIN PRIVATE "
                    + "KEY-----, RSA or EC) the certificate was issued for");
        }
        for (KeyManager m : managers) {
            if (m instanceof X509KeyManager km) {
                for (String type : KEY_TYPES) {
                    String[] aliases = km.getServerAliases(type, null);
                    if (aliases != null && aliases.length > 0) {
                        return km.getPrivateKey(aliases[0]);
                    }
                }
            }
        }
        throw new TlsPairException("--tls-key " + files.key() + ": no private key found in it; give the PEM private "
                + "key (-----BEGIN PRIVATE KEY-----)");
    }

    private static boolean matches(PrivateKey key, PublicKey pub) throws TlsPairException {
        if (key instanceof RSAPrivateCrtKey rsa && pub instanceof RSAPublicKey rpub) {
            return rsa.getModulus().equals(rpub.getModulus());
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm().equals("Ed448") ? "Ed448" : "Ed25519";
            case "RSA" -> "SHA256withRSA";
            default -> throw new TlsPairException("unsupported key type " + key.getAlgorithm()
                    + "; use an RSA or EC key");
        };
        try {
            byte[] probe = "hubdns key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. a key of one curve with a certificate of another
        }
    }

    private static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }
}
