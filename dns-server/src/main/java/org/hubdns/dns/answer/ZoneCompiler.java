package org.hubdns.dns.answer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hubdns.dns.zone.ZoneContent;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Turns zone contents into a {@link ZoneTree}: every name (and empty non-terminal) becomes a
 * {@link Node} whose answers are worked out once here, following RFC 1034 4.3.2: CNAME chains
 * inside the zone, wildcards (RFC 4592), referrals at zone cuts with glue, and negative answers
 * with the SOA at TTL min(SOA TTL, MINIMUM) (RFC 2308). Where zones nest, the deeper zone owns
 * its names.
 */
final class ZoneCompiler {
    private static final int MAX_CHAIN = 16;
    private static final Name WILD = Name.fromConstantString("*");

    private final ZoneContent content;
    private final CompiledZone zone;
    private final Map<Name, Map<Integer, RRset>> data = new HashMap<>();
    private final Map<Name, Node> nodes = new LinkedHashMap<>();
    private final Set<Integer> zoneTypes = new LinkedHashSet<>();
    private final RRset negativeSoa;
    private final Set<Name> otherApexes;

    private ZoneCompiler(ZoneContent content, Set<Name> dynamicNames, Set<Name> otherApexes) {
        this.content = content;
        this.otherApexes = otherApexes;
        this.zone = new CompiledZone(content);
        Name apex = content.apex();
        for (Record r : content.records()) {
            data.computeIfAbsent(r.getName(), n -> new LinkedHashMap<>())
                    .computeIfAbsent(r.getType(), t -> new RRset())
                    .addRR(r);
            zoneTypes.add(r.getType());
        }
        for (Name n : dynamicNames) {
            data.computeIfAbsent(n, x -> new LinkedHashMap<>());
        }
        for (Name n : new ArrayList<>(data.keySet())) {
            for (Name p = parent(n); p != null && p.subdomain(apex); p = parent(p)) {
                data.computeIfAbsent(p, x -> new LinkedHashMap<>());
                if (p.equals(apex)) {
                    break;
                }
            }
        }
        SOARecord soa = content.soa();
        long negativeTtl = Math.min(soa.getTTL(), soa.getMinimum());
        negativeSoa = new RRset(new SOARecord(apex, DClass.IN, negativeTtl, soa.getHost(), soa.getAdmin(),
                soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum()));
    }

    static ZoneTree compile(List<ZoneContent> zones, Map<Name, DynamicAnswers> dynamic) {
        Set<Name> apexes = new HashSet<>();
        for (ZoneContent z : zones) {
            if (!apexes.add(z.apex())) {
                throw new IllegalArgumentException("zone " + z.apex() + " is given twice");
            }
        }
        List<ZoneContent> ordered = new ArrayList<>(zones);
        ordered.sort(Comparator.comparingInt((ZoneContent z) -> z.apex().labels()));
        Map<Name, Node> all = new HashMap<>();
        Map<Name, ZoneCompiler> built = new HashMap<>();
        for (ZoneContent z : ordered) {
            Set<Name> dynamicHere = new HashSet<>();
            for (Name n : dynamic.keySet()) {
                if (n.subdomain(z.apex()) && deepestApex(n, apexes).equals(z.apex())) {
                    dynamicHere.add(n);
                }
            }
            ZoneCompiler c = new ZoneCompiler(z, dynamicHere, apexes);
            c.build();
            built.put(z.apex(), c);
            if (z.apex().labels() > 1) {
                ZoneCompiler parentZone = built.get(deepestApex(parent(z.apex()), apexes));
                if (parentZone != null) {
                    c.takeDsFromParent(parentZone.nodes.get(z.apex()));
                }
            }
            for (Node n : c.nodes.values()) {
                if (!ownedByDeeperZone(n.name, z.apex(), apexes)) {
                    all.put(n.name, n);
                    DynamicAnswers d = dynamic.get(n.name);
                    if (d != null && n.cut == null) {
                        n.dynamic = d;
                    }
                }
            }
        }
        return new ZoneTree(new NameTable(all.values()), zones);
    }

    /**
     * DS lives on the parent side of a cut (RFC 4035 3.1.4.1): when the parent zone is served here
     * too, a DS query at this apex gets the parent's answer, not the child's NODATA.
     */
    private void takeDsFromParent(Node parentCut) {
        if (parentCut == null || parentCut.cut != parentCut) {
            return;
        }
        Node apexNode = nodes.get(content.apex());
        AnswerPlan ds = parentCut.plan(Type.DS);
        for (int i = 0; i < apexNode.types.length; i++) {
            if (apexNode.types[i] == Type.DS) {
                apexNode.plans[i] = ds;
                return;
            }
        }
        apexNode.types = java.util.Arrays.copyOf(apexNode.types, apexNode.types.length + 1);
        apexNode.plans = java.util.Arrays.copyOf(apexNode.plans, apexNode.plans.length + 1);
        apexNode.types[apexNode.types.length - 1] = Type.DS;
        apexNode.plans[apexNode.plans.length - 1] = ds;
    }

    private static Name deepestApex(Name n, Set<Name> apexes) {
        for (Name p = n; p != null; p = parent(p)) {
            if (apexes.contains(p)) {
                return p;
            }
        }
        return Name.root;
    }

    private static boolean ownedByDeeperZone(Name n, Name apex, Set<Name> apexes) {
        for (Name p = n; p != null && !p.equals(apex); p = parent(p)) {
            if (apexes.contains(p)) {
                return true;
            }
        }
        return false;
    }

    private static Name parent(Name n) {
        return n.labels() <= 1 ? null : new Name(n, 1);
    }

    private void build() {
        Name apex = content.apex();
        List<Name> names = new ArrayList<>(data.keySet());
        names.sort(Comparator.comparingInt(Name::labels));
        for (Name n : names) {
            Node parentNode = n.equals(apex) ? null : nodes.get(parent(n));
            Node cut = parentNode == null ? null : parentNode.cut;
            boolean isCut = cut == null && !n.equals(apex) && data.get(n).containsKey(Type.NS);
            nodes.put(n, new Node(n, zone, cut, isCut));
        }
        zone.nxdomain = new AnswerPlan(new AnswerSpec(Rcode.NXDOMAIN, true, null, List.of(), List.of(negativeSoa),
                List.of(), List.of()), apex);
        for (Node node : nodes.values()) {
            if (node.name.isWild()) {
                nodes.get(parent(node.name)).wildcard = node;
            }
            if (node.cut == node) {
                node.referral = new AnswerPlan(referral(node.name, List.of()), node.name);
            }
        }
        for (Node node : nodes.values()) {
            compileAnswers(node);
        }
    }

    private void compileAnswers(Node node) {
        Map<Integer, RRset> own = data.get(node.name);
        Name suffix = node.name.isWild() ? parent(node.name) : node.name;
        if (node.cut != null && node.cut != node) {
            node.otherPlan = node.cut.referral;
            node.anyPlan = node.cut.referral;
            return;
        }
        if (node.cut == node) {
            node.otherPlan = node.referral;
            node.anyPlan = node.referral;
            node.types = new int[] {Type.DS};
            node.plans = new AnswerPlan[] {new AnswerPlan(resolve(node.name, Type.DS), suffix)};
            return;
        }
        Set<Integer> types = new LinkedHashSet<>(own.keySet());
        if (own.containsKey(Type.CNAME)) {
            types.addAll(zoneTypes);
        }
        types.remove(Type.ANY);
        int[] t = new int[types.size()];
        AnswerPlan[] p = new AnswerPlan[types.size()];
        int i = 0;
        for (int type : types) {
            t[i] = type;
            p[i] = new AnswerPlan(resolve(node.name, type), suffix);
            i++;
        }
        node.types = t;
        node.plans = p;
        node.anyPlan = new AnswerPlan(resolve(node.name, Type.ANY), suffix);
        // a type that occurs nowhere in the zone stands for every type the node has not got
        node.otherPlan = new AnswerPlan(resolve(node.name, -1), suffix);
    }

    /** RFC 1034 4.3.2 from step 3 for {@code qname}, which exists (or is a wildcard's own name). */
    private AnswerSpec resolve(Name qname, int qtype) {
        List<RRset> answer = new ArrayList<>();
        List<RRset> authority = new ArrayList<>();
        List<RRset> additional = new ArrayList<>();
        int rcode = Rcode.NOERROR;
        boolean aa = true;
        Set<Name> seen = new HashSet<>();
        Name current = qname;
        Map<Integer, RRset> here = data.get(qname);
        for (int hop = 0; hop <= MAX_CHAIN; hop++) {
            Node cut = cutAbove(current);
            if (cut != null && !(cut.name.equals(current) && qtype == Type.DS)) {
                AnswerSpec ref = referral(cut.name, answer);
                authority.addAll(ref.authority());
                additional.addAll(ref.additional());
                aa = !answer.isEmpty();
                break;
            }
            if (here == null) {
                Map<Integer, RRset> synthesized = synthesize(current);
                if (synthesized == null) {
                    rcode = Rcode.NXDOMAIN;
                    authority.add(negativeSoa);
                    break;
                }
                here = synthesized;
            }
            RRset cname = here.get(Type.CNAME);
            if (cname != null && qtype != Type.CNAME && qtype != Type.ANY) {
                answer.add(cname);
                seen.add(current);
                Name target = ((CNAMERecord) cname.first()).getTarget();
                if (!target.subdomain(content.apex()) || seen.contains(target) || insideDeeperZone(target)) {
                    break;
                }
                current = target;
                here = data.get(target);
                continue;
            }
            if (qtype == Type.ANY) {
                // RFC 8482: one RRset, not all of them
                if (here.isEmpty()) {
                    authority.add(negativeSoa);
                } else {
                    answer.add(here.values().iterator().next());
                }
                break;
            }
            RRset rrset = here.get(qtype);
            if (rrset != null) {
                answer.add(rrset);
            } else {
                authority.add(negativeSoa);
            }
            break;
        }
        return new AnswerSpec(rcode, aa, qname, answer, authority, additional,
                additional.isEmpty() && !answer.isEmpty() ? targetAddresses(answer.get(answer.size() - 1)) : List.of());
    }

    /** A chain target in a zone nested below this one is left to the resolver to follow. */
    private boolean insideDeeperZone(Name target) {
        for (Name p = target; p != null && !p.equals(content.apex()); p = parent(p)) {
            if (otherApexes.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /** The wildcard RRsets that answer for a name that does not exist, renamed to it; null if none. */
    private Map<Integer, RRset> synthesize(Name name) {
        for (Name p = parent(name); p != null && p.subdomain(content.apex()); p = parent(p)) {
            if (data.containsKey(p)) {
                Map<Integer, RRset> w = data.get(wildcardOf(p));
                if (w == null) {
                    return null;
                }
                Map<Integer, RRset> renamed = new LinkedHashMap<>();
                for (Map.Entry<Integer, RRset> e : w.entrySet()) {
                    RRset copy = new RRset();
                    for (Record r : e.getValue().rrs(false)) {
                        copy.addRR(r.withName(name));
                    }
                    renamed.put(e.getKey(), copy);
                }
                return renamed;
            }
        }
        return null;
    }

    private static Name wildcardOf(Name p) {
        try {
            return Name.concatenate(WILD, p);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return null;
        }
    }

    private Node cutAbove(Name n) {
        for (Name p = n; p != null && p.subdomain(content.apex()) && !p.equals(content.apex()); p = parent(p)) {
            Map<Integer, RRset> d = data.get(p);
            if (d != null && d.containsKey(Type.NS)) {
                return nodes.get(p);
            }
        }
        return null;
    }

    /**
     * RFC 1034 3.6 / 1035 3.3.9-3.3.11 additional section processing: the A and AAAA RRsets this
     * zone holds for the targets of an NS, MX or SRV answer, as optional additions.
     */
    private List<RRset> targetAddresses(RRset rrset) {
        List<RRset> out = new ArrayList<>();
        Set<Name> done = new HashSet<>();
        for (Record r : rrset.rrs(false)) {
            Name target = r instanceof NSRecord ns ? ns.getTarget()
                    : r instanceof org.xbill.DNS.MXRecord mx ? mx.getTarget()
                    : r instanceof org.xbill.DNS.SRVRecord srv ? srv.getTarget() : null;
            if (target == null || !done.add(target) || !target.subdomain(content.apex()) || insideDeeperZone(target)) {
                continue;
            }
            Map<Integer, RRset> d = data.get(target);
            if (d != null) {
                for (int type : new int[] {Type.A, Type.AAAA}) {
                    if (d.containsKey(type)) {
                        out.add(d.get(type));
                    }
                }
            }
        }
        return out;
    }

    /** A referral to the servers of {@code cut}: its NS RRset, and the addresses of those servers this zone holds. */
    private AnswerSpec referral(Name cut, List<RRset> answerSoFar) {
        RRset ns = data.get(cut).get(Type.NS);
        List<RRset> glue = new ArrayList<>();
        for (Record r : ns.rrs(false)) {
            Name target = ((NSRecord) r).getTarget();
            Map<Integer, RRset> d = target.subdomain(content.apex()) ? data.get(target) : null;
            if (d != null) {
                if (d.containsKey(Type.A)) {
                    glue.add(d.get(Type.A));
                }
                if (d.containsKey(Type.AAAA)) {
                    glue.add(d.get(Type.AAAA));
                }
            }
        }
        return new AnswerSpec(Rcode.NOERROR, false, null, answerSoFar, List.of(ns), glue, List.of());
    }
}
