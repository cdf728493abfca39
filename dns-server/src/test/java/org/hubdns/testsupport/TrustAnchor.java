package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A zone's trust anchor for the validators: the DNSKEYs with the SEP flag (a CSK or KSK: flags
 * 257), as a validator configured with the zone's key instead of a chain from the root would hold
 * them. Written in each tool's format: delv's {@code trust-anchors} clause, and master-file DNSKEY
 * lines (Unbound's {@code trust-anchor-file}, dnsviz's {@code -t}).
 */
public record TrustAnchor(Name zone, List<DNSKEYRecord> keys) {
    public TrustAnchor {
        keys = List.copyOf(keys);
        assertThat(keys).as("a trust anchor for %s needs at least one key", zone).isNotEmpty();
    }

    /** The SEP keys of {@code zone} as the server on 127.0.0.1:{@code port} publishes them (over TCP). */
    public static TrustAnchor fetch(int port, String zone) throws IOException {
        Name z = Name.fromString(zone.endsWith(".") ? zone : zone + ".");
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTCP(true);
        r.setTimeout(Duration.ofSeconds(5));
        r.setEDNS(0, 1232, org.xbill.DNS.ExtendedFlags.DO, List.of());
        Message m = r.send(Message.newQuery(Record.newRecord(z, Type.DNSKEY, org.xbill.DNS.DClass.IN)));
        assertThat(m.getRcode()).as("DNSKEY %s from port %d:%n%s", zone, port, m).isEqualTo(Rcode.NOERROR);
        List<DNSKEYRecord> keys = m.getSection(Section.ANSWER).stream().filter(DNSKEYRecord.class::isInstance)
                .map(DNSKEYRecord.class::cast).filter(k -> (k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0).toList();
        assertThat(keys).as("the zone %s published no SEP (257) DNSKEY: is it signed?%n%s", zone, m).isNotEmpty();
        return new TrustAnchor(z, keys);
    }

    /** The zone's name as the tools write it, without the final dot ({@code pk-hub.example}). */
    public String zoneText() {
        String s = zone.toString();
        return s.endsWith(".") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
    }

    /** The key tags, to say which keys a test trusted. */
    public List<Integer> tags() {
        return keys.stream().map(DNSKEYRecord::getFootprint).toList();
    }

    /** delv's {@code -a} file: {@code trust-anchors { zone. static-key 257 3 13 "..."; };}. */
    public Path writeBindFile(Path file) throws IOException {
        String body = keys.stream().map(k -> "  " + zone + " static-key " + k.getFlags() + " " + k.getProtocol() + " "
                + k.getAlgorithm() + " \"" + Base64.getEncoder().encodeToString(k.getKey()) + "\";")
                .collect(Collectors.joining("\n"));
        return Files.writeString(file, "trust-anchors {\n" + body + "\n};\n");
    }

    /** Master-file DNSKEY lines (Unbound's {@code trust-anchor-file}, dnsviz grok's {@code -t}). */
    public Path writeZoneFile(Path file) throws IOException {
        return Files.writeString(file, keys.stream().map(k -> zone + " 3600 IN DNSKEY " + k.rdataToString())
                .collect(Collectors.joining("\n", "", "\n")));
    }

    /**
     * A trust anchor holding another real key of the same algorithm (a fresh key pair): what a
     * validator configured with the wrong key holds, so a test of the harness can see it refuse.
     */
    public TrustAnchor withWrongKey() throws java.security.GeneralSecurityException {
        DNSKEYRecord k = keys.get(0);
        byte[] key;
        if (k.getAlgorithm() == org.xbill.DNS.DNSSEC.Algorithm.ECDSAP256SHA256) {
            var g = java.security.KeyPairGenerator.getInstance("EC");
            g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            var w = ((java.security.interfaces.ECPublicKey) g.generateKeyPair().getPublic()).getW();
            key = new byte[64];
            copyUnsigned(w.getAffineX().toByteArray(), key, 0);
            copyUnsigned(w.getAffineY().toByteArray(), key, 32);
        } else if (k.getAlgorithm() == org.xbill.DNS.DNSSEC.Algorithm.ED25519) {
            byte[] x509 = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()
                    .getEncoded();
            key = java.util.Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        } else {
            throw new IllegalArgumentException("no wrong key made for algorithm " + k.getAlgorithm());
        }
        return new TrustAnchor(zone, List.of(new DNSKEYRecord(zone, k.getDClass(), k.getTTL(), k.getFlags(),
                k.getProtocol(), k.getAlgorithm(), key)));
    }

    /** A big-endian unsigned value into 32 bytes at {@code at} (BigInteger adds a sign byte or drops zeros). */
    private static void copyUnsigned(byte[] v, byte[] out, int at) {
        int n = Math.min(v.length, 32);
        System.arraycopy(v, v.length - n, out, at + 32 - n, n);
    }
}
