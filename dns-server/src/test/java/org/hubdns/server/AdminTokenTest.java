package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
    @TempDir
    Path dir;

    @Test
    void theTokenFileFlagWinsOverTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("tok.txt"), "file-token-0123456789\n");
        AdminToken t = AdminToken.resolve("env-token-0123456789", file, dir.resolve("data"));
        assertThat(t.matches("file-token-0123456789")).isTrue();
        assertThat(t.matches("env-token-0123456789")).isFalse();
    }

    @Test
    void theEnvironmentWinsOverTheDataDir() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/admin.token"), "stored-token-0123456789\n");
        AdminToken t = AdminToken.resolve("env-token-0123456789", null, dir.resolve("data"));
        assertThat(t.matches("env-token-0123456789")).isTrue();
        assertThat(t.matches("stored-token-0123456789")).isFalse();
    }

    @Test
    void aGeneratedTokenIsStoredOwnerOnlyAndReusedOnTheNextStart() throws Exception {
        AdminToken first = AdminToken.resolve(null, null, dir.resolve("data"));
        Path stored = dir.resolve("data/admin.token");
        assertThat(first.generatedAt()).isEqualTo(stored.toString());
        assertThat(Files.getPosixFilePermissions(stored)).extracting(Enum::name)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        String token = Files.readString(stored).strip();
        AdminToken second = AdminToken.resolve(null, null, dir.resolve("data"));
        assertThat(second.generatedAt()).isNull();
        assertThat(second.matches(token)).isTrue();
        assertThat(second.matches(token + "x")).isFalse();
    }

    @Test
    void aMissingTokenFileIsAnError() {
        assertThatThrownBy(() -> AdminToken.resolve(null, dir.resolve("nope"), dir.resolve("data")))
                .isInstanceOf(StartupException.class).hasMessageContaining("does not exist");
    }
}
