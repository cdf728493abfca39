package org.hubdns.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The operator's bearer token. Taken from {@code --admin-token-file}, else {@code HUBDNS_ADMIN_TOKEN},
 * else {@code <data-dir>/admin.token}, which is created (owner-only) with a random token the first time.
 * Only its SHA-256 is kept in memory; checks are constant-time.
 */
final class AdminToken {
    static final String ENV = "HUBDNS_ADMIN_TOKEN";

    private final byte[] hash;
    private final String generatedAt;

    private AdminToken(String token, String generatedAt) {
        this.hash = sha256(token);
        this.generatedAt = generatedAt;
    }

    static AdminToken resolve(String fromEnv, Path file, Path dataDir) throws StartupException {
        if (file == null && fromEnv != null && !fromEnv.isBlank()) {
            return new AdminToken(fromEnv.strip(), null);
        }
        Path path = file != null ? file : dataDir.resolve("admin.token");
        try {
            if (Files.exists(path)) {
                String token = Files.readString(path, StandardCharsets.UTF_8).strip();
                if (token.length() < 16) {
                    throw new StartupException(path + ": the admin token must be at least 16 characters");
                }
                return new AdminToken(token, null);
            }
            if (file != null) {
                throw new StartupException(file + ": --admin-token-file does not exist");
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            Files.createDirectories(dataDir);
            Path tmp = Files.createTempFile(dataDir, "admin.token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            return new AdminToken(token, path.toString());
        } catch (IOException e) {
            throw new StartupException("cannot read or create the admin token at " + path + ": " + e.getMessage()
                    + "; check --data-dir, or set " + ENV, e);
        }
    }

    /** Where a token was generated on this start (to tell the operator once), or null. */
    String generatedAt() {
        return generatedAt;
    }

    boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(hash, sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
