package dev.skep.server;

import dev.skep.model.AppId;
import dev.skep.model.fs.PrivateFile;
import dev.skep.monitor.support.Hmac;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The install's monitor keys, made once and kept in {@code <data>/monitor/} (0600, folder 0700): the heartbeat
 * key (instances' heartbeat secrets derive from it) and the webhook key. Install-wide webhooks are signed with
 * the webhook key's hex text; an app's webhooks with {@code hex(HMAC-SHA256(webhookKey, "webhook:" + app))},
 * which its owner reads from {@code GET .../alerts}: no app can forge another app's signatures.
 */
final class MonitorSecrets {

    private static final Logger log = LoggerFactory.getLogger(MonitorSecrets.class);

    private final byte[] heartbeatKey;
    private final byte[] webhookKey;

    private MonitorSecrets(byte[] heartbeatKey, byte[] webhookKey) {
        this.heartbeatKey = heartbeatKey;
        this.webhookKey = webhookKey;
    }

    static MonitorSecrets load(Path dir) throws IOException {
        SkepServer.privateDir(dir);
        return new MonitorSecrets(key(dir.resolve("heartbeat.key")), key(dir.resolve("webhook.key")));
    }

    byte[] heartbeatKey() {
        return heartbeatKey.clone();
    }

    /** The signing secret (as text, the receiver's HMAC key) of an app's webhooks, or the install's for null. */
    String webhookSecret(AppId app) {
        if (app == null) {
            return HexFormat.of().formatHex(webhookKey);
        }
        return Hmac.sha256Hex(webhookKey, ("webhook:" + app).getBytes(StandardCharsets.UTF_8));
    }

    byte[] webhookSigningKey(AppId app) {
        return webhookSecret(app).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the key, or makes one (a private file, written whole). */
    private static byte[] key(Path file) throws IOException {
        if (Files.exists(file)) {
            byte[] key = HexFormat.of().parseHex(Files.readString(file).strip());
            if (key.length < 32) {
                throw new IllegalStateException(file + " holds " + key.length + " bytes, 32 or more are needed; "
                        + "delete it to make a new one (heartbeat secrets and webhook signatures change)");
            }
            return key;
        }
        byte[] key = Hmac.randomKey();
        PrivateFile.write(file, HexFormat.of().formatHex(key) + "\n");
        log.info("event=monitor.key-created file={}", file);
        return key;
    }
}
