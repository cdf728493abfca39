package org.hubdns.geo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hubdns.server.HubDnsServer;
import org.hubdns.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /v1/geoip names each member by the HTTP address it really listens on. */
class GeoMemberInfoTest {
    @TempDir
    Path tmp;

    @Test
    void aMemberOnAnHttpPortChosenByTheKernelIsListedWithThatPort() throws Exception {
        Path geo = GeoFixture.write(tmp, "v1.mmdb", GeoFixture.v1());
        ServerConfig cfg = new ServerConfig(List.of(GeoFixture.LOOPBACK), 0, 0, tmp.resolve("data"), null, null, true,
                null, 10, 1024, 1, ServerConfig.Cluster.ALONE, geo);
        HubDnsServer s = HubDnsServer.start(cfg);
        try {
            String admin = Files.readString(tmp.resolve("data").resolve("admin.token")).strip();
            JsonNode g = GeoFixture.json(GeoFixture.send(s.httpPort(), "GET", "/v1/geoip", admin, null, null));
            assertThat(g.at("/members/0/geoip/sha256").asText()).isEqualTo(GeoFixture.sha256(GeoFixture.v1()));
            assertThat(g.at("/members/0/http").asText()).as(g.toString()).isEqualTo("127.0.0.1:" + s.httpPort());
        } finally {
            s.stop();
        }
    }
}
