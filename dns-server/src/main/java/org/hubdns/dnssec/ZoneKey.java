package org.hubdns.dnssec;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/**
 * One zone signing key as the cluster keeps it (a secret): the DNSKEY's public key, the PKCS#8
 * private key, and its timeline. The state at any instant follows from the times alone
 * ({@link #stateAt}), so every member computes the same one and a restarted member resumes a
 * rollover where the clock says it is. {@link #toString()} never shows the private key.
 *
 * @param role always "CSK" (one combined signing key per zone)
 * @param created when it was generated (epoch ms)
 * @param activate when it starts signing (epoch ms; after {@code created} for a pre-published key)
 * @param retire when it stops signing the zone's data, or null
 * @param remove when it leaves the DNSKEY RRset, or null
 * @param publicKey the DNSKEY's public key field, base64
 * @param privateKey PKCS#8, base64 (secret)
 */
public record ZoneKey(int tag, int algorithm, String role, long created, long activate, Long retire, Long remove,
        String publicKey, String privateKey) {
    public static final int FLAGS_SEP_ZONE = 257;
    public static final String CSK = "CSK";

    public KeyState stateAt(long now) {
        if (remove != null && now >= remove) {
            return KeyState.REMOVED;
        }
        if (retire != null && now >= retire) {
            return KeyState.RETIRED;
        }
        return now >= activate ? KeyState.ACTIVE : KeyState.PUBLISHED;
    }

    public DNSKEYRecord dnskey(Name apex, long ttl) {
        return new DNSKEYRecord(apex, DClass.IN, ttl, FLAGS_SEP_ZONE, DNSKEYRecord.Protocol.DNSSEC, algorithm,
                Base64.getDecoder().decode(publicKey));
    }

    public PrivateKey loadPrivateKey() {
        try {
            return KeyFactory.getInstance(DnssecAlgorithm.of(algorithm).keyFactory())
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateKey)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the stored private key of key " + tag + " cannot be read", e);
        }
    }

    public ZoneKey withRetire(long retireAt, long removeAt) {
        return new ZoneKey(tag, algorithm, role, created, activate, retireAt, removeAt, publicKey, privateKey);
    }

    /** Generates a key for {@code apex}, signing from {@code activate} on. */
    public static ZoneKey generate(Name apex, DnssecAlgorithm algorithm, long now, long activate) {
        java.security.KeyPair pair = algorithm.generate();
        try {
            DNSKEYRecord k = new DNSKEYRecord(apex, DClass.IN, 3600, FLAGS_SEP_ZONE, DNSKEYRecord.Protocol.DNSSEC,
                    algorithm.number(), pair.getPublic());
            return new ZoneKey(k.getFootprint(), algorithm.number(), CSK, now, activate, null, null,
                    Base64.getEncoder().encodeToString(k.getKey()),
                    Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
        } catch (org.xbill.DNS.DNSSEC.DNSSECException e) {
            throw new IllegalStateException("cannot encode a " + algorithm + " public key", e);
        }
    }

    @Override
    public String toString() {
        return "ZoneKey[tag=" + tag + ", algorithm=" + algorithm + ", role=" + role + ", created=" + created
                + ", activate=" + activate + ", retire=" + retire + ", remove=" + remove + ", privateKey=(secret)]";
    }
}
