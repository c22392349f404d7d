package dev.skep.monitor.heartbeat;

import dev.skep.model.AppId;
import dev.skep.model.InstanceIds;
import dev.skep.monitor.support.Hmac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Checks heartbeats that apps push to {@code POST /v1/heartbeat/{instance}} with their secret.
 *
 * <p>Each instance's secret is {@code hex(HMAC-SHA256(installKey, "heartbeat:" + instance))}: unguessable without
 * the random per-install key, different for every instance, and the same after a restart of skep, on every
 * controller, and on the agent that starts the instance, with nothing to store or replicate. An instance's
 * secret never lets it beat for another. Secrets are compared in constant time.
 *
 * <p>Apps get {@link #environment} at start: {@code SKEP_HEARTBEAT_URL} and {@code SKEP_HEARTBEAT_SECRET}; see
 * {@code monitor/README-heartbeat.md} for the snippet they run.
 */
public final class HeartbeatRegistry {

    public static final String URL_ENV = "SKEP_HEARTBEAT_URL";
    public static final String SECRET_ENV = "SKEP_HEARTBEAT_SECRET";
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatRegistry.class);

    private final byte[] installKey;
    private final HeartbeatListener listener;

    /** @param installKey at least 32 random bytes, kept in the install's state ({@link Hmac#randomKey()}) */
    public HeartbeatRegistry(byte[] installKey, HeartbeatListener listener) {
        if (installKey == null || installKey.length < 32) {
            throw new IllegalArgumentException("install key must be >= 32 bytes");
        }
        this.installKey = installKey.clone();
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The secret an instance presents; for the agent that starts it. */
    public String secretFor(String instance) {
        requireInstance(instance);
        return Hmac.sha256Hex(installKey, ("heartbeat:" + instance).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What to add to the instance's environment.
     *
     * @param apiBase where apps reach the API, e.g. "http://10.0.0.5:9002"
     */
    public Map<String, String> environment(String instance, String apiBase) {
        String base = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        return Map.of(URL_ENV, base + "/v1/heartbeat/" + instance, SECRET_ENV, secretFor(instance));
    }

    /**
     * One heartbeat: true when the secret is that instance's (the API answers 204), false otherwise (403). A
     * malformed instance id is false, never an exception.
     */
    public boolean beat(String instance, String secret) {
        if (!InstanceIds.isValid(instance) || secret == null) {
            return false;
        }
        if (!Hmac.equalsConstantTime(secretFor(instance), secret.strip())) {
            LOG.warn("event=heartbeat.refused instance={} why=\"wrong secret\"", instance);
            return false;
        }
        String[] parts = instance.split("\\.");
        listener.beat(new AppId(parts[0], parts[1]), instance);
        return true;
    }

    private static void requireInstance(String instance) {
        if (!InstanceIds.isValid(instance)) {
            throw new IllegalArgumentException("not an instance id: '" + instance + "'");
        }
    }
}
