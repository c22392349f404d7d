package dev.skep.server;

import dev.skep.api.auth.Tokens;
import dev.skep.model.UserRecord;
import dev.skep.model.UserStore;
import dev.skep.model.fs.PrivateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On first start, creates the admin user with a fresh token: stored hashed in the state, written
 * to {@code <data-dir>/admin.token} (mode 0600) and printed once.
 */
final class AdminBootstrap {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    static final String ADMIN = "admin";

    private AdminBootstrap() {
    }

    static void ensureAdmin(UserStore users, Path dataDir, Clock clock) throws IOException {
        Path file = dataDir.resolve("admin.token");
        if (users.user(ADMIN).isPresent()) {
            if (!Files.exists(file)) {
                log.warn("event=admin.token-file-missing file={} hint=\"the admin token was shown at first start; "
                        + "make a new one with `skep users token admin` or delete the state to start over\"", file);
            }
            return;
        }
        String token = Tokens.newToken();
        UserRecord admin = new UserRecord(ADMIN, true, List.of(new UserRecord.Token(Tokens.newTokenId(),
                Tokens.sha256(token), clock.instant(), null)), clock.instant());
        PrivateFile.write(file, token + "\n");
        users.createUser(admin);
        System.out.println();
        System.out.println("  skep admin token (shown once, saved to " + file + "):");
        System.out.println("    " + token);
        System.out.println("  use it as `Authorization: Bearer TOKEN` or `curl -u admin:TOKEN`; the CLI reads the file.");
        System.out.println();
        log.info("event=admin.created token_file={}", file);
    }
}
