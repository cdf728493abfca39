package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.hubdns.server.RunningServer;
import org.hubdns.testsupport.Await;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One demo member of its own (coverage zones and node states are cluster-wide, so every test class
 * that changes them starts its own), the operator's API, and DNS queries with or without ECS over
 * real UDP and TCP. Traffic goes to 127.0.0.1 only.
 */
final class Steered implements AutoCloseable {
    static final Duration PROPAGATION = Duration.ofSeconds(2);

    final RunningServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String admin;
    private final AtomicInteger seq = new AtomicInteger();

    private Steered(RunningServer server) throws IOException {
        this.server = server;
        String env = System.getenv("HUBDNS_ADMIN_TOKEN");
        this.admin = env != null && !env.isBlank() ? env.strip()
                : Files.readString(server.dataDir().resolve("admin.token")).strip();
    }

    static Steered start() throws Exception {
        return new Steered(RunningServer.demo());
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- HTTP -------------------------------------------------------------------------------------

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonObject ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        return r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
    }

    /** Replaces the cluster's coverage zones: cidr, site, cidr, site... */
    void coverage(String... cidrAndSite) throws Exception {
        JsonArray list = new JsonArray();
        for (int i = 0; i < cidrAndSite.length; i += 2) {
            list.add(new JsonObject().put("cidr", cidrAndSite[i]).put("site", cidrAndSite[i + 1]));
        }
        ok(send("PUT", "/v1/coverage-zones", admin, list.encode()));
    }

    /**
     * A platform of the test's own, hostname {@code name.pk-hub.example}, fallback CNAME
     * {@code origin.example.}; {@code settings} (answers, defaultSite, spillAt...) override.
     */
    String platform(String name, JsonObject settings) throws Exception {
        String host = name + ".pk-hub.example";
        JsonObject body = new JsonObject().put("hostnames", new JsonArray().add(host)).put("ttl", 30)
                .put("answers", 2).put("fallback", new JsonObject().put("cname", "origin.example."));
        body.mergeIn(settings);
        ok(send("PUT", "/v1/platforms/" + name, admin, body.encode()));
        return host;
    }

    /**
     * A partner for {@code platforms}; its token. It may use loopback (the health tests' stand-ins)
     * and documentation addresses: special-purpose, so the operator must allow them.
     */
    String partner(String... platforms) throws Exception {
        String name = "p" + seq.incrementAndGet();
        JsonObject r = ok(send("PUT", "/v1/partners/" + name, admin,
                new JsonObject().put("platforms", new JsonArray(List.of((Object[]) platforms)))
                        .put("allowSpecial", new JsonArray(List.of("127.0.0.0/8", "192.0.2.0/24", "198.51.100.0/24",
                                "203.0.113.0/24", "2001:db8::/32"))).encode()));
        return r.getString("token");
    }

    /** Registers a node (check none unless {@code check} is given); its id. */
    String node(String token, String platform, String site, int weight, JsonObject check, String... addresses)
            throws Exception {
        JsonObject body = new JsonObject().put("platform", platform).put("site", site)
                .put("addresses", new JsonArray(List.of((Object[]) addresses))).put("weight", weight)
                .put("check", check == null ? new JsonObject().put("type", "none") : check);
        return ok(send("POST", "/v1/nodes", token, body.encode())).getString("id");
    }

    /** Reports the node's load as its partner would ({@code POST /v1/nodes/{id}/load}). */
    void load(String nodeId, double load) throws Exception {
        ok(send("POST", "/v1/nodes/" + nodeId + "/load", admin, new JsonObject().put("load", load).encode()));
    }

    /** Drains ({@code false}) or undrains ({@code true}) the node through the API. */
    void active(String nodeId, boolean active) throws Exception {
        ok(send("POST", "/v1/nodes/" + nodeId + (active ? "/undrain" : "/drain"), admin, null));
    }

    /** The steering of {@code platform} in the member's current snapshot, or null. */
    PlatformSteering steering(String platform) {
        return server.server().snapshot().platforms().get(platform);
    }

    /** Waits until the member's snapshot has {@code count} nodes for {@code platform}. */
    void awaitNodes(String platform, int count) throws Exception {
        await(platform + " has " + count + " nodes in the snapshot", () -> {
            PlatformSteering s = steering(platform);
            return s != null && s.statuses().size() == count;
        });
    }

    /**
     * Waits until the member's snapshot shows node {@code id} of {@code platform} with this admin state
     * and load. Loads at or below the platform's spillAt do not change steering, so the snapshot is
     * not rebuilt for them: any such load will do then.
     */
    void awaitState(String platform, String id, String admin, double load) throws Exception {
        await("snapshot shows " + id + " " + admin + " " + load, () -> {
            PlatformSteering s = steering(platform);
            double spillAt = s == null ? 0 : s.platform().effectiveSpillAt();
            return s != null && s.statuses().stream().anyMatch(st -> st.id().equals(id) && st.admin().equals(admin)
                    && (st.load() == load || load <= spillAt && st.load() <= spillAt));
        });
    }

    JsonObject explain(String host, String type, String ecs) throws Exception {
        String q = "/v1/explain?name=" + host + "&type=" + type + "&client=127.0.0.1"
                + (ecs == null ? "" : "&ecs=" + URLEncoder.encode(ecs, StandardCharsets.UTF_8));
        HttpResponse<String> r = send("GET", q, admin, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    // ---- DNS --------------------------------------------------------------------------------------

    /** A DNS answer: rcode, A/AAAA addresses in order, CNAME targets, the ECS scope echoed (or null). */
    record Answer(int rcode, List<String> addresses, List<String> cnames, Integer scope, Integer source,
            Message message) {
    }

    /** Asks {@code host} with an ECS option for {@code ecs} ("a.b.c.d/n", "x::/n"), or without EDNS when null. */
    Answer ask(String host, int type, String ecs, boolean tcp) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(host.endsWith(".") ? host : host + "."), type,
                1));
        if (ecs != null) {
            int slash = ecs.indexOf('/');
            ClientSubnetOption o = new ClientSubnetOption(Integer.parseInt(ecs.substring(slash + 1)),
                    InetAddress.getByName(ecs.substring(0, slash)));
            q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(o)), Section.ADDITIONAL);
        }
        return parse(server.resolver(tcp).send(q));
    }

    /** Asks with an OPT holding exactly {@code option} (for malformed ECS). */
    Message askWith(String host, int type, EDNSOption option, boolean tcp) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(host + "."), type, 1));
        q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(option)), Section.ADDITIONAL);
        return server.resolver(tcp).send(q);
    }

    static Answer parse(Message m) {
        List<String> addrs = new ArrayList<>();
        List<String> cnames = new ArrayList<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a) {
                addrs.add(a.getAddress().getHostAddress());
            } else if (r instanceof AAAARecord a) {
                addrs.add(io.netty.util.NetUtil.toAddressString(a.getAddress()));
            } else if (r instanceof CNAMERecord c) {
                cnames.add(c.getTarget().toString());
            }
        }
        Integer scope = null;
        Integer source = null;
        OPTRecord opt = m.getOPT();
        if (opt != null) {
            for (EDNSOption o : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET)) {
                scope = ((ClientSubnetOption) o).getScopePrefixLength();
                source = ((ClientSubnetOption) o).getSourcePrefixLength();
            }
        }
        return new Answer(m.getRcode(), addrs, cnames, scope, source, m);
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        await(what, PROPAGATION, condition);
    }

    /** Polls {@code condition} until it holds; fails after {@code within}. Returns the time it took. */
    static Duration await(String what, Duration within, Callable<Boolean> condition) throws Exception {
        return Await.timed(within, what, condition);
    }

    static boolean isType(Record r, int type) {
        return r.getType() == type;
    }

    static final Map<String, List<String>> DEMO = Map.of(
            "isb", List.of("10.10.1.1", "10.10.1.2"),
            "khi", List.of("10.20.1.1", "10.20.1.2"),
            "lhe", List.of("10.30.1.1", "10.30.1.2"));

    static final int A = Type.A;
    static final int AAAA = Type.AAAA;
}
