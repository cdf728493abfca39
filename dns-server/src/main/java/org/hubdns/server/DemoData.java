package org.hubdns.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.hubdns.api.Caller;
import org.hubdns.api.RegistryJson;
import org.hubdns.api.RegistryService;
import org.hubdns.api.Tokens;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.store.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --demo}: three sites of the Pakistani exchange, the {@code video} platform, a partner named
 * {@code demo} (token in {@code <data-dir>/demo-partner.token}, {@code allowSpecial} 10.0.0.0/8) and
 * its six cache nodes on 10.x (the sites of {@code ../shared/peer-bench}), all through the validation
 * the API uses. Each is created only if it never existed, so what an operator changed or deleted
 * stays so.
 */
final class DemoData {
    private static final Logger LOG = LoggerFactory.getLogger(DemoData.class);
    static final String PARTNER = "demo";
    static final String TOKEN_FILE = "demo-partner.token";

    private DemoData() {
    }

    static void seed(RegistryService service, Path dataDir) throws StartupException {
        site(service, "isb", "Islamabad", 33.72, 73.04);
        site(service, "khi", "Karachi", 24.86, 67.01);
        site(service, "lhe", "Lahore", 31.55, 74.34);
        var platform = service.checkPlatform(RegistryJson.readPlatform("video", new JsonObject()
                .put("hostnames", new JsonArray().add("video.pk-hub.example"))
                .put("ttl", 60).put("answers", 2).put("defaultSite", "isb")
                .put("fallback", new JsonObject().put("cname", "video.origin.example."))));
        if (service.registry().freshView().zones().containsKey("pk-hub.example.")) {
            service.registry().seed(Kind.PLATFORMS, platform.name(), platform);
        }
        partner(service, dataDir);
        String[][] nodes = {{"isb", "10.10.1.1"}, {"isb", "10.10.1.2"}, {"khi", "10.20.1.1"}, {"khi", "10.20.1.2"},
            {"lhe", "10.30.1.1"}, {"lhe", "10.30.1.2"}};
        for (int i = 0; i < nodes.length; i++) {
            String id = "demo-" + nodes[i][0] + "-" + (i % 2 + 1);
            try {
                CacheNode n = service.checkNode(id, RegistryJson.readNode(new JsonObject().put("platform", "video")
                        .put("site", nodes[i][0]).put("addresses", new JsonArray().add(nodes[i][1])).put("weight", 100)
                        .put("check", new JsonObject().put("type", "none")), new Caller.PartnerCaller(PARTNER), null,
                        service.minProbeIntervalMs()), null);
                service.registry().seed(Kind.NODES, id, n);
            } catch (RuntimeException e) {
                LOG.info("demo node {} not seeded: {}", id, e.getMessage());
            }
        }
    }

    private static void site(RegistryService service, String name, String city, double lat, double lon) {
        var s = RegistryJson.readSite(name, new JsonObject().put("city", city).put("country", "PK").put("lat", lat)
                .put("lon", lon));
        service.registry().seed(Kind.SITES, name, s);
    }

    /** The demo partner's token is kept in the data dir; a partner created elsewhere gets a new one here. */
    private static void partner(RegistryService service, Path dataDir) throws StartupException {
        Path file = dataDir.resolve(TOKEN_FILE);
        try {
            Partner p = service.registry().read(Kind.PARTNERS, PARTNER, Partner.class);
            String mine = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
            if (p != null && mine != null && p.allTokens().stream()
                    .anyMatch(t -> Tokens.sameHash(Tokens.sha256(mine), t.sha256()))) {
                return;
            }
            String token;
            if (p == null) {
                if (service.registry().get(Kind.PARTNERS, PARTNER) != null) {
                    return; // deleted by the operator: stays deleted
                }
                // its nodes are on 10.x (as in ../shared/peer-bench), private-use: allowed for this partner only
                token = service.putPartner(PARTNER, new RegistryService.PartnerSettings(java.util.List.of("video"),
                        java.util.List.of(), java.util.List.of("10.0.0.0/8"), Partner.DEFAULT_MAX_NODES)).token();
                if (token == null) {
                    return;
                }
            } else {
                token = service.rotatePartnerToken(PARTNER).token();
            }
            Files.createDirectories(dataDir);
            Path tmp = Files.createTempFile(dataDir, TOKEN_FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("demo partner '{}' token written to {}", PARTNER, file);
        } catch (IOException e) {
            throw new StartupException("cannot write the demo partner token to " + file + ": " + e.getMessage(), e);
        }
    }
}
