package org.hubdns.testsupport;

/**
 * Zone texts that the socket tests and the in-process table tests of zone answers both serve, so
 * that the two kinds of test prove the same data.
 */
public final class TestZones {
    /** A child zone of {@code example.} (nested zones: the deeper zone answers for its names). */
    public static final String CHILD = """
            $TTL 300
            @    3600 IN SOA ns1.child.example. hostmaster.child.example. ( 7 7200 1800 1209600 120 )
            @    IN NS ns1
            ns1  IN A  192.0.2.54
            www  IN A  192.0.2.180
            """;

    /** SOA TTL 60 below MINIMUM 600: negative answers carry the SOA at TTL 60. */
    public static final String NEG = """
            $TTL 300
            @    60 IN SOA ns1.neg.test. hostmaster.neg.test. ( 42 7200 1800 1209600 600 )
            @    IN NS ns1
            ns1  IN A  192.0.2.60
            www  IN A  192.0.2.61
            """;

    private TestZones() {
    }
}
