package org.hubdns.cluster.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hubdns.cluster.coverage.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecialAddressesTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            // IPv4
            "0.0.0.0 | unspecified \"this host\" | NEVER",
            "0.1.2.3 | \"this network\" | NEVER",
            "10.10.1.1 | private-use | SPECIAL",
            "100.64.0.1 | shared address space for carrier-grade NAT | SPECIAL",
            "100.127.255.255 | shared address space for carrier-grade NAT | SPECIAL",
            "127.0.0.1 | loopback | LOCAL",
            "169.254.1.1 | link-local | LOCAL",
            "172.16.0.1 | private-use | SPECIAL",
            "172.31.255.255 | private-use | SPECIAL",
            "192.0.0.1 | DS-Lite IPv4 service continuity prefix | SPECIAL",
            "192.0.0.9 | Port Control Protocol anycast | SPECIAL",
            "192.0.0.100 | IETF protocol assignments | SPECIAL",
            "192.0.0.171 | NAT64/DNS64 discovery | SPECIAL",
            "192.0.2.1 | TEST-NET-1 documentation | SPECIAL",
            "192.88.99.1 | deprecated 6to4 relay anycast | SPECIAL",
            "192.168.1.1 | private-use | SPECIAL",
            "198.18.0.1 | benchmarking | SPECIAL",
            "198.19.255.255 | benchmarking | SPECIAL",
            "198.51.100.7 | TEST-NET-2 documentation | SPECIAL",
            "203.0.113.5 | TEST-NET-3 documentation | SPECIAL",
            "224.0.0.1 | multicast | NEVER",
            "239.255.255.250 | multicast | NEVER",
            "240.0.0.1 | reserved | NEVER",
            "255.255.255.255 | limited broadcast | NEVER",
            // IPv6
            ":: | unspecified | NEVER",
            "::1 | loopback | LOCAL",
            "::102:304 | deprecated IPv4-compatible | NEVER",
            "::ffff:1.2.3.4 | IPv4-mapped | NEVER",
            "64:ff9b::808:808 | NAT64 IPv4/IPv6 translation | SPECIAL",
            "64:ff9b:1::1 | local-use IPv4/IPv6 translation | SPECIAL",
            "100::1 | discard-only | SPECIAL",
            "2001::1 | Teredo | SPECIAL",
            "2001:1::1 | Port Control Protocol anycast | SPECIAL",
            "2001:2::1 | benchmarking | SPECIAL",
            "2001:4:112::1 | AS112-v6 | SPECIAL",
            "2001:10::1 | deprecated ORCHID | SPECIAL",
            "2001:20::1 | ORCHIDv2 | SPECIAL",
            "2001:100::1 | IETF protocol assignments | SPECIAL",
            "2001:db8::1 | documentation | SPECIAL",
            "2002:c000:201::1 | 6to4 | SPECIAL",
            "3ffe:b00::1 | 6bone (returned) | SPECIAL",
            "3fff::1 | documentation | SPECIAL",
            "5f00::1 | segment routing SIDs | SPECIAL",
            "fc00::1 | unique-local private-use | SPECIAL",
            "fd12:3456::1 | unique-local private-use | SPECIAL",
            "fe80::1 | link-local | LOCAL",
            "febf::1 | link-local | LOCAL",
            "fec0::1 | deprecated site-local | SPECIAL",
            "ff02::1 | multicast | NEVER",
            "4000::1 | reserved by the IETF, outside global unicast 2000::/3 | SPECIAL",
    })
    void classifiesSpecialAddresses(String address, String name, SpecialAddresses.Use use) {
        SpecialAddresses.Block b = SpecialAddresses.classify(Cidr.parseAddress(address));
        assertThat(b).as(address).isNotNull();
        assertThat(b.name()).isEqualTo(name);
        assertThat(b.use()).isEqualTo(use);
        assertThat(b.cidr().contains(Cidr.parseAddress(address))).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255",
            "128.0.0.0", "169.253.255.255", "172.15.255.255", "172.32.0.0", "192.0.1.255", "192.0.3.0", "192.167.255.255",
            "192.169.0.0", "198.17.255.255", "198.20.0.0", "203.0.112.255", "203.0.114.0", "223.255.255.255",
            "39.40.1.1", "2001:200::1", "2001:4860:4860::8888", "2606:4700::1111", "2a00:1450::1", "3ffd::1",
            "2001:db9::1", "2001:db7::1"})
    void ordinaryUnicastIsNotSpecial(String address) {
        assertThat(SpecialAddresses.classify(Cidr.parseAddress(address))).as(address).isNull();
    }

    @Test
    void everyBlockIsCanonicalAndDescribed() {
        for (SpecialAddresses.Block b : SpecialAddresses.blocks()) {
            assertThat(Cidr.parse(b.cidr().toString())).isEqualTo(b.cidr());
            assertThat(b.reference()).startsWith("RFC ");
            if (b.use() != SpecialAddresses.Use.ORDINARY) {
                assertThat(b.describe()).contains(b.name()).contains(b.cidr().toString());
            }
        }
    }

    @Test
    void partnersAcceptOrdinaryOrAllowedAndInsideTheirPrefixes() {
        Partner open = new Partner("p", List.of(), "h");
        assertThat(open.refusal("8.8.8.8")).isNull();
        assertThat(open.refusal("127.0.0.1").reason()).contains("loopback").contains("127.0.0.0/8");
        assertThat(open.refusal("127.0.0.1").special()).isTrue();

        Partner tests = new Partner("t", List.of(), "h", null, List.of("127.0.0.0/8", "2001:db8::/32"), null);
        assertThat(tests.refusal("127.0.0.9")).isNull();
        assertThat(tests.refusal("2001:db8::9")).isNull();
        assertThat(tests.refusal("10.0.0.1").reason()).contains("private-use");

        Partner everything = new Partner("e", List.of(), "h", null, List.of("0.0.0.0/0"), null);
        assertThat(everything.refusal("224.0.0.1").reason()).as("never, whatever is allowed").contains("multicast");

        Partner scoped = new Partner("s", List.of(), "h", List.of("8.8.0.0/16", "10.1.0.0/16"),
                List.of("10.0.0.0/8"), null);
        assertThat(scoped.refusal("8.8.4.4")).isNull();
        assertThat(scoped.refusal("10.1.2.3")).isNull();
        assertThat(scoped.refusal("1.1.1.1").special()).isFalse();
        assertThat(scoped.refusal("1.1.1.1").reason()).contains("outside prefixes (8.8.0.0/16, 10.1.0.0/16)");
        assertThat(scoped.refusal("10.2.0.1").reason()).as("allowed special, but outside prefixes")
                .contains("outside prefixes");
    }

    @Test
    void partnersStoredBeforeTheFieldsGetTheDefaults() {
        Partner old = org.hubdns.cluster.store.Json.read("{\"name\":\"old\",\"platforms\":[\"video\"],"
                + "\"tokenSha256\":\"abc\"}", Partner.class);
        assertThat(old.prefixes()).isEmpty();
        assertThat(old.allowSpecial()).isEmpty();
        assertThat(old.maxNodes()).isEqualTo(Partner.DEFAULT_MAX_NODES);
        assertThat(old.tokenSha256()).isEqualTo("abc");
    }

    /** The cluster port's check (--cluster-allow-public): a site's private or tunnel address is not public. */
    @ParameterizedTest(name = "{0} globally routable: {1}")
    @CsvSource(delimiter = '|', value = {
            "8.8.8.8 | true", "182.185.10.1 | true", "2400:cb00::1 | true", "2001:4860:4860::8888 | true",
            "10.0.0.1 | false", "172.16.5.1 | false", "192.168.1.1 | false", "100.64.0.1 | false",
            "127.0.0.1 | false", "169.254.0.1 | false", "198.18.0.1 | false", "203.0.113.1 | false",
            "fd00::1 | false", "fe80::1 | false", "::1 | false"})
    void globallyRoutable(String address, boolean expected) throws Exception {
        assertThat(SpecialAddresses.isGloballyRoutable(java.net.InetAddress.getByName(address).getAddress()))
                .isEqualTo(expected);
    }
}
