package org.hubdns.bench.wire;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Mnemonics of record types and response codes, both ways; numbers without a mnemonic print as TYPEn / RCODEn. */
public final class RrTypes {
    private static final Map<String, Integer> TYPES = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private static final String[] TYPE_NAMES = new String[65536];
    private static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
        "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI", null, null, null, null, "BADVERS",
        "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE"};

    public static final int A = 1;
    public static final int NS = 2;
    public static final int CNAME = 5;
    public static final int AAAA = 28;
    public static final int OPT = 41;

    static {
        Object[][] t = {{"A", 1}, {"NS", 2}, {"CNAME", 5}, {"SOA", 6}, {"PTR", 12}, {"HINFO", 13}, {"MX", 15},
            {"TXT", 16}, {"AAAA", 28}, {"LOC", 29}, {"SRV", 33}, {"NAPTR", 35}, {"DS", 43}, {"SSHFP", 44},
            {"RRSIG", 46}, {"NSEC", 47}, {"DNSKEY", 48}, {"NSEC3", 50}, {"NSEC3PARAM", 51}, {"TLSA", 52},
            {"CDS", 59}, {"CDNSKEY", 60}, {"SVCB", 64}, {"HTTPS", 65}, {"SPF", 99}, {"AXFR", 252}, {"IXFR", 251},
            {"ANY", 255}, {"CAA", 257}, {"DNAME", 39}, {"OPT", 41}};
        for (Object[] e : t) {
            TYPES.put((String) e[0], (Integer) e[1]);
            TYPE_NAMES[(Integer) e[1]] = (String) e[0];
        }
    }

    private RrTypes() {
    }

    /** The type for a mnemonic or {@code TYPEn}, or -1 when it is neither. */
    public static int type(String text) {
        Integer known = TYPES.get(text);
        if (known != null) {
            return known;
        }
        String upper = text.toUpperCase(Locale.ROOT);
        if (upper.startsWith("TYPE") && upper.length() > 4 && upper.length() <= 9) {
            try {
                int n = Integer.parseInt(upper.substring(4));
                return n >= 0 && n <= 65535 ? n : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    public static String typeName(int type) {
        String n = type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : null;
        return n != null ? n : "TYPE" + type;
    }

    /** {@code rcode} may be extended (12 bits, with the OPT's upper bits). */
    public static String rcodeName(int rcode) {
        String n = rcode >= 0 && rcode < RCODES.length ? RCODES[rcode] : null;
        return n != null ? n : "RCODE" + rcode;
    }
}
