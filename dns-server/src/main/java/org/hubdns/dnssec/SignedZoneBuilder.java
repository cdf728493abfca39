package org.hubdns.dnssec;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.steering.PlatformSteering;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Signs one zone for a snapshot: its RRsets, DNSKEY, CDS and CDNSKEY, an NSEC chain over its names
 * (platform hostnames included, with the A and/or AAAA they answer), and every RRset its platform
 * hostnames can answer; then encodes each DO=1 answer once. Runs on the snapshot builder's thread;
 * the signing itself is on the {@link SignatureCache}'s pool.
 */
final class SignedZoneBuilder {

    record Built(SignedZone zone, List<SignedName> names, int signedSets, boolean enumeratedAll) {
    }

    private final ZoneContent content;
    private final Name apex;
    private final long now;
    private final SignatureCache cache;
    /** Sets of one platform and family signed at build; the rest are signed when first asked for. */
    private final int eagerSets;
    private final List<SignatureCache.Signer> dataSigners = new ArrayList<>();
    private final List<SignatureCache.Signer> keySigners = new ArrayList<>();
    private final List<DNSKEYRecord> published = new ArrayList<>();
    private final List<DNSKEYRecord> toParent = new ArrayList<>();
    private final Function<String, ConcurrentHashMap<Long, DynamicSignatures.SignedSet>> late;
    private final List<RRset> sets = new ArrayList<>();
    private final List<List<SignatureCache.Signer>> signersOf = new ArrayList<>();
    private final Map<RRset, Integer> index = new java.util.IdentityHashMap<>();
    private List<List<RRSIGRecord>> sigs;
    private long soonest = Long.MAX_VALUE;

    SignedZoneBuilder(ZoneContent content, ZoneSigning signing, long now, SignatureCache cache, int eagerSets,
            Function<String, ConcurrentHashMap<Long, DynamicSignatures.SignedSet>> late) {
        this.content = content;
        this.apex = content.apex();
        this.now = now;
        this.cache = cache;
        this.eagerSets = eagerSets;
        this.late = late;
        long keyTtl = Math.min(3600, content.soa().getTTL());
        for (ZoneKey k : signing.keys()) {
            KeyState s = k.stateAt(now);
            if (!s.published()) {
                continue;
            }
            DNSKEYRecord dnskey = k.dnskey(apex, keyTtl);
            published.add(dnskey);
            SignatureCache.Signer signer = null;
            if (s.signsKeys()) {
                signer = new SignatureCache.Signer(dnskey, k.loadPrivateKey(), apex.toString());
                keySigners.add(signer);
            }
            if (s.signsData()) {
                dataSigners.add(signer);
                toParent.add(dnskey);
            }
        }
    }

    boolean canSign() {
        return !dataSigners.isEmpty();
    }

    /** A key for the late-signed sets of one owner: they are valid for the current data signers only. */
    private String lateKey(Name owner) {
        StringBuilder b = new StringBuilder(owner.toString());
        for (SignatureCache.Signer s : dataSigners) {
            b.append('/').append(s.dnskey().getFootprint());
        }
        return b.toString();
    }

    private void sign(RRset set, List<SignatureCache.Signer> signers) {
        index.put(set, sets.size());
        sets.add(set);
        signersOf.add(signers);
    }

    private List<RRSIGRecord> sigsOf(RRset set) {
        List<RRSIGRecord> l = sigs.get(index.get(set));
        for (RRSIGRecord r : l) {
            soonest = Math.min(soonest, r.getExpire().toEpochMilli());
        }
        return l;
    }

    Built build(Map<Name, PlatformSteering> platforms) {
        SOARecord soa = content.soa();
        long negativeTtl = Math.min(soa.getTTL(), soa.getMinimum());
        // owner → type → RRset, every record of the zone
        Map<Name, Map<Integer, RRset>> data = new TreeMap<>();
        for (Record r : content.records()) {
            data.computeIfAbsent(r.getName(), n -> new LinkedHashMap<>())
                    .computeIfAbsent(r.getType(), t -> new RRset()).addRR(r);
        }
        List<Name> cuts = new ArrayList<>();
        data.forEach((n, types) -> {
            if (!n.equals(apex) && types.containsKey(Type.NS)) {
                cuts.add(n);
            }
        });
        Function<Name, Name> cutOver = n -> {
            Name best = null;
            for (Name c : cuts) {
                if (n.subdomain(c) && (best == null || c.subdomain(best))) {
                    best = c;
                }
            }
            return best;
        };
        // the chain: authoritative owners, cuts, platform hostnames; never occluded names
        TreeMap<Name, List<Integer>> chain = new TreeMap<>();
        data.forEach((n, types) -> {
            Name cut = cutOver.apply(n);
            if (cut == null) {
                chain.put(n, new ArrayList<>(types.keySet()));
            } else if (cut.equals(n)) {
                List<Integer> t = new ArrayList<>(List.of(Type.NS));
                if (types.containsKey(Type.DS)) {
                    t.add(Type.DS);
                }
                chain.put(n, t);
            }
        });
        Map<Name, PlatformSteering> dynamic = new LinkedHashMap<>();
        platforms.forEach((n, p) -> {
            if (n.subdomain(apex) && cutOver.apply(n) == null) {
                List<Integer> t = chain.computeIfAbsent(n, k -> new ArrayList<>());
                if (p.answersWithData(Type.A)) {
                    t.add(Type.A);
                }
                if (p.answersWithData(Type.AAAA)) {
                    t.add(Type.AAAA);
                }
                dynamic.put(n, p);
            }
        });
        chain.computeIfAbsent(apex, k -> new ArrayList<>()).addAll(List.of(Type.DNSKEY, Type.CDS, Type.CDNSKEY));
        List<Name> names = new ArrayList<>(chain.keySet());
        TreeSet<Name> ents = new TreeSet<>();
        for (Name n : names) {
            for (Name p = parent(n); p != null && p.subdomain(apex) && !p.equals(apex); p = parent(p)) {
                if (!chain.containsKey(p)) {
                    ents.add(p);
                }
            }
        }
        // the apex key sets
        RRset dnskeys = new RRset();
        published.forEach(dnskeys::addRR);
        RRset cds = new RRset();
        RRset cdnskey = new RRset();
        for (DNSKEYRecord k : toParent) {
            cds.addRR(new CDSRecord(apex, DClass.IN, k.getTTL(), DNSSEC.Digest.SHA256, k));
            cdnskey.addRR(new CDNSKEYRecord(apex, DClass.IN, k.getTTL(), k.getFlags(), k.getProtocol(),
                    k.getAlgorithm(), k.getKey()));
        }
        Map<Integer, RRset> apexData = data.computeIfAbsent(apex, k -> new LinkedHashMap<>());
        apexData.put(Type.DNSKEY, dnskeys);
        apexData.put(Type.CDS, cds);
        apexData.put(Type.CDNSKEY, cdnskey);
        // NSEC per chain name
        Map<Name, RRset> nsecs = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Name n = names.get(i);
            Name next = names.get((i + 1) % names.size());
            List<Integer> t = chain.get(n);
            t.add(Type.NSEC);
            t.add(Type.RRSIG);
            int[] types = t.stream().distinct().mapToInt(Integer::intValue).toArray();
            nsecs.put(n, new RRset(new NSECRecord(n, DClass.IN, negativeTtl, next, types)));
            data.computeIfAbsent(n, k -> new LinkedHashMap<>()).put(Type.NSEC, nsecs.get(n));
        }
        // what to sign
        for (Name n : names) {
            Name cut = cutOver.apply(n);
            Map<Integer, RRset> at = data.get(n);
            for (Map.Entry<Integer, RRset> e : at.entrySet()) {
                int type = e.getKey();
                if (cut != null && type != Type.DS && type != Type.NSEC) {
                    continue; // the delegation's NS and glue are not signed (RFC 4035 2.2)
                }
                boolean keySet = n.equals(apex) && (type == Type.DNSKEY || type == Type.CDS || type == Type.CDNSKEY);
                if (e.getValue().size() > 0) {
                    sign(e.getValue(), keySet ? keySigners : dataSigners);
                }
            }
        }
        Map<Name, List<RRset>> dynamicSets = new LinkedHashMap<>();
        boolean all = true;
        for (Map.Entry<Name, PlatformSteering> e : dynamic.entrySet()) {
            Name owner = e.getKey();
            PlatformSteering p = e.getValue();
            long ttl = p.platform().ttl();
            Map<String, RRset> distinct = new LinkedHashMap<>();
            for (int type : new int[] {Type.A, Type.AAAA}) {
                all &= p.answerSets(type, eagerSets, addrs -> {
                    RRset set = new RRset();
                    for (byte[] a : addrs) {
                        try {
                            InetAddress ia = InetAddress.getByAddress(a);
                            set.addRR(type == Type.A ? new ARecord(owner, DClass.IN, ttl, ia)
                                    : new AAAARecord(owner, DClass.IN, ttl, ia));
                        } catch (UnknownHostException x) {
                            throw new IllegalStateException(x);
                        }
                    }
                    distinct.putIfAbsent(type + "/" + contentKey(set), set);
                });
            }
            if (p.fallbackCname() != null) {
                RRset c = new RRset(new CNAMERecord(owner, DClass.IN, ttl, p.fallbackCname()));
                distinct.putIfAbsent("cname", c);
            }
            List<RRset> l = new ArrayList<>(distinct.values());
            l.forEach(s -> sign(s, dataSigners));
            dynamicSets.put(owner, l);
        }
        sigs = cache.signAll(sets, signersOf, now);

        // encode
        SignedZone zone = new SignedZone(apex.toString());
        List<org.xbill.DNS.Record> keyRecords = new ArrayList<>();
        for (int type : List.of(Type.DNSKEY, Type.CDS, Type.CDNSKEY)) {
            keyRecords.addAll(apexData.get(type).rrs(false));
        }
        zone.keyRecords = List.copyOf(keyRecords);
        zone.chain = new byte[names.size()][];
        zone.chainLabels = new int[names.size()][];
        zone.nsec = new Section[names.size()];
        for (int i = 0; i < names.size(); i++) {
            zone.chain[i] = Wire.key(names.get(i));
            zone.chainLabels[i] = Wire.labelStarts(zone.chain[i]);
            zone.nsec[i] = named(nsecs.get(names.get(i)));
        }
        RRset soaSet = data.get(apex).get(Type.SOA);
        zone.soa = named(soaSet);
        Map<Name, SignedName> out = new HashMap<>();
        int signedSets = 0;
        for (int i = 0; i < names.size(); i++) {
            Name n = names.get(i);
            SignedName sn = new SignedName(zone.chain[i], zone);
            sn.chainIndex = i;
            out.put(n, sn);
            sn.noData = zone.soa.plus(zone.nsec[i]);
            Name cut = cutOver.apply(n);
            Map<Integer, RRset> at = data.get(n);
            if (cut != null) {
                sn.cut = sn;
                Section ns = Section.EMPTY;
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (Record r : at.get(Type.NS).rrs(false)) {
                    Wire.rr(b, Wire.owner(n), r);
                }
                ns = new Section(b.toByteArray(), at.get(Type.NS).size());
                RRset ds = at.get(Type.DS);
                sn.referral = ns.plus(ds != null ? named(ds) : zone.nsec[i]);
                sn.dsAnswer = ds == null ? null : atQname(ds);
                sn.glue = glue(at.get(Type.NS), data);
                continue;
            }
            List<Integer> types = new ArrayList<>();
            List<Section> answers = new ArrayList<>();
            Section any = Section.EMPTY;
            for (Map.Entry<Integer, RRset> e : at.entrySet()) {
                if (e.getValue().size() == 0) {
                    continue;
                }
                Section s = atQname(e.getValue());
                types.add(e.getKey());
                answers.add(s);
                if (any.count() == 0) {
                    any = s; // RFC 8482: one RRset for ANY, as without DO
                }
            }
            sn.types = types.stream().mapToInt(Integer::intValue).toArray();
            sn.answers = answers.toArray(new Section[0]);
            sn.any = any;
            PlatformSteering p = dynamic.get(n);
            if (p != null) {
                List<DynamicSignatures.SignedSet> signed = new ArrayList<>();
                for (RRset s : dynamicSets.get(n)) {
                    signed.add(signedSet(s, sigsOf(s)));
                }
                signedSets += signed.size();
                List<SignatureCache.Signer> signers = List.copyOf(dataSigners);
                sn.dynamic = new DynamicSignatures(p, n, p.platform().ttl(), signed, late.apply(lateKey(n)),
                        set -> signLater(set, signers));
            }
        }
        for (Name e : ents) {
            SignedName sn = new SignedName(Wire.key(e), zone);
            int cover = zone.covering(sn.key, sn.labelStarts, sn.labelStarts.length);
            sn.noData = zone.soa.plus(zone.nsec[cover]);
            out.put(e, sn);
        }
        // delegations cover the names below them; wildcards hang off their parents
        for (Map.Entry<Name, SignedName> e : out.entrySet()) {
            Name n = e.getKey();
            SignedName sn = e.getValue();
            Name cut = cutOver.apply(n);
            if (cut != null && sn.cut == null) {
                sn.cut = out.get(cut);
            }
            if (n.isWild()) {
                SignedName parent = out.get(parent(n));
                if (parent != null) {
                    parent.wildcard = sn;
                }
            }
            Name wild = wildcardOf(n);
            if (wild != null) {
                byte[] k = Wire.key(wild);
                int[] ls = Wire.labelStarts(k);
                sn.wildcardCover = zone.covering(k, ls, ls.length);
            }
        }
        zone.soonestExpiry = soonest;
        return new Built(zone, new ArrayList<>(out.values()), signedSets, all);
    }

    private CompletableFuture<DynamicSignatures.SignedSet> signLater(RRset set, List<SignatureCache.Signer> signers) {
        long t = System.currentTimeMillis();
        List<CompletableFuture<RRSIGRecord>> fs = new ArrayList<>();
        for (SignatureCache.Signer s : signers) {
            CompletableFuture<RRSIGRecord> f = cache.signLater(set, s, t);
            if (f == null) {
                return null;
            }
            fs.add(f);
        }
        return CompletableFuture.allOf(fs.toArray(new CompletableFuture[0]))
                .thenApply(v -> signedSet(set, fs.stream().map(CompletableFuture::join).toList()));
    }

    static DynamicSignatures.SignedSet signedSet(RRset set, List<RRSIGRecord> sigs) {
        List<byte[]> rdata = new ArrayList<>();
        for (Record r : set.rrs(false)) {
            rdata.add(r.rdataToWireCanonical());
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (RRSIGRecord s : sigs) {
            Wire.rr(b, Wire.AT_QNAME, s);
        }
        return new DynamicSignatures.SignedSet(set.getType(), rdata.toArray(new byte[0][]),
                new Section(b.toByteArray(), sigs.size()));
    }

    private static String contentKey(RRset set) {
        List<String> l = new ArrayList<>();
        for (Record r : set.rrs(false)) {
            l.add(r.rdataToString());
        }
        java.util.Collections.sort(l);
        return String.join(",", l);
    }

    /** The RRset and its RRSIGs owned by the query name (answers, wildcard expansions included). */
    private Section atQname(RRset set) {
        return encode(set, Wire.AT_QNAME);
    }

    /** The RRset and its RRSIGs under their own owner name (authority records). */
    private Section named(RRset set) {
        return encode(set, Wire.owner(set.getName()));
    }

    private Section encode(RRset set, byte[] owner) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Record r : set.rrs(false)) {
            Wire.rr(b, owner, r);
        }
        List<RRSIGRecord> s = sigsOf(set);
        for (RRSIGRecord r : s) {
            Wire.rr(b, owner, r);
        }
        return new Section(b.toByteArray(), set.size() + s.size());
    }

    /** Addresses of the name servers named in {@code ns} that the zone holds (glue or in-zone names). */
    private static Section glue(RRset ns, Map<Name, Map<Integer, RRset>> data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int count = 0;
        for (Record r : ns.rrs(false)) {
            Map<Integer, RRset> at = data.get(((NSRecord) r).getTarget());
            if (at == null) {
                continue;
            }
            for (int t : new int[] {Type.A, Type.AAAA}) {
                RRset s = at.get(t);
                if (s != null) {
                    for (Record a : s.rrs(false)) {
                        Wire.rr(b, Wire.owner(a.getName()), a);
                        count++;
                    }
                }
            }
        }
        return new Section(b.toByteArray(), count);
    }

    private static Name parent(Name n) {
        return n.labels() <= 1 ? null : new Name(n, 1);
    }

    private static Name wildcardOf(Name n) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), n);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return null;
        }
    }
}
