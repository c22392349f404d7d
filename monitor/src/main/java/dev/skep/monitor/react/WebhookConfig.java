package dev.skep.monitor.react;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where alerts are POSTed.
 *
 * @param secret per-install key; receivers check {@code X-Skep-Signature: sha256=hex(HMAC-SHA256(secret, body))}
 */
public record WebhookConfig(URI url, byte[] secret, Duration timeout) {

    public WebhookConfig {
        Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("webhook url must be http or https, found " + url);
        }
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("webhook secret must be >= 16 bytes");
        }
        secret = secret.clone();
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    @Override
    public String toString() {
        return "WebhookConfig[" + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + "]";
    }
}
