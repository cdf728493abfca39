package org.hubdns.dnssec;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.xbill.DNS.DNSSEC;

/** The signing algorithms a zone may use (RFC 8624: both are MUST/RECOMMENDED to sign with). */
public enum DnssecAlgorithm {
    ECDSAP256SHA256(DNSSEC.Algorithm.ECDSAP256SHA256),
    ED25519(DNSSEC.Algorithm.ED25519);

    private final int number;

    DnssecAlgorithm(int number) {
        this.number = number;
    }

    /** The IANA algorithm number in DNSKEY, DS and RRSIG. */
    public int number() {
        return number;
    }

    public KeyPair generate() {
        try {
            if (this == ED25519) {
                return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate " + name() + " keys", e);
        }
    }

    /** The JCA key factory name for the PKCS#8 private key kept in the cluster. */
    String keyFactory() {
        return this == ED25519 ? "Ed25519" : "EC";
    }

    public static DnssecAlgorithm of(int number) {
        for (DnssecAlgorithm a : values()) {
            if (a.number == number) {
                return a;
            }
        }
        throw new IllegalArgumentException("unsupported DNSSEC algorithm " + number);
    }
}
