package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hubdns.cluster.store.ClusterSettings;
import org.hubdns.cluster.store.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one admin token of a cluster, with real Hazelcast members on 127.0.0.1. */
class AdminTokensTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;
    private final List<Registry> members = new ArrayList<>();
    private final String cluster = "t-" + UUID.randomUUID();
    private int firstPort;

    @AfterEach
    void stop() {
        members.forEach(Registry::close);
    }

    private Registry member(String name) throws IOException {
        int port = org.hubdns.testsupport.FreePorts.tcp();
        List<String> others = firstPort == 0 ? List.of() : List.of("127.0.0.1:" + firstPort);
        if (firstPort == 0) {
            firstPort = port;
        }
        Registry r = Registry.start(new ClusterSettings(cluster, LOOPBACK, port, others, dir.resolve(name)), Map.of());
        members.add(r);
        return r;
    }

    @Test
    void theTokenFileWinsOverTheEnvironment() throws Exception {
        Registry r = member("a");
        Path file = Files.writeString(dir.resolve("tok.txt"), "file-token-0123456789\n");
        AdminTokens.Resolved t = AdminTokens.resolve(r, "env-token-0123456789", file, dir.resolve("a"));
        assertThat(t.sha256()).isEqualTo(Tokens.sha256("file-token-0123456789"));
        assertThat(t.generatedAt()).isNull();
    }

    @Test
    void theFirstMemberGeneratesAnOwnerOnlyFileAndLaterMembersUseTheClusterHash() throws Exception {
        Registry first = member("a");
        AdminTokens.Resolved generated = AdminTokens.resolve(first, null, null, dir.resolve("a"));
        Path stored = dir.resolve("a/admin.token");
        assertThat(generated.generatedAt()).isEqualTo(stored);
        assertThat(Files.getPosixFilePermissions(stored)).extracting(Enum::name)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        String token = Files.readString(stored).strip();
        assertThat(generated.sha256()).isEqualTo(Tokens.sha256(token));

        Registry second = member("b");
        AdminTokens.Resolved joined = AdminTokens.resolve(second, null, null, dir.resolve("b"));
        assertThat(joined.sha256()).as("the second member takes the cluster's token").isEqualTo(generated.sha256());
        assertThat(joined.generatedAt()).isNull();
        assertThat(dir.resolve("b/admin.token")).doesNotExist();

        // the same token given explicitly is accepted; another one is refused with a clear word
        assertThat(AdminTokens.resolve(second, token, null, dir.resolve("b")).sha256()).isEqualTo(generated.sha256());
        assertThatThrownBy(() -> AdminTokens.resolve(second, "another-token-0123456789", null, dir.resolve("b")))
                .isInstanceOf(IOException.class).hasMessageContaining("not the one this cluster uses");
    }

    @Test
    void aMissingOrShortTokenIsAnError() throws Exception {
        Registry r = member("a");
        assertThatThrownBy(() -> AdminTokens.resolve(r, null, dir.resolve("nope"), dir.resolve("a")))
                .isInstanceOf(IOException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> AdminTokens.resolve(r, "short", null, dir.resolve("a")))
                .isInstanceOf(IOException.class).hasMessageContaining("at least 16");
    }

    @Test
    void theDnsCookieSecretIsOnePerCluster() throws Exception {
        Registry a = member("a");
        Registry b = member("b");
        assertThat(AdminTokens.cookieSecret(b)).hasSize(16).isEqualTo(AdminTokens.cookieSecret(a));
    }
}
