package dev.skep.monitor.react;

import dev.skep.monitor.net.Destinations;
import dev.skep.monitor.net.PinnedPost;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where alerts are POSTed.
 *
 * @param secret       per-install key; receivers check {@code X-Skep-Signature: sha256=hex(HMAC-SHA256(secret, body))}
 * @param timeouts     connect, and the whole exchange
 * @param destinations which addresses the URL's host may resolve to: public only for a tenant's URL, anywhere for
 *                     the admin's install-wide ones
 */
public record WebhookConfig(URI url, byte[] secret, PinnedPost.Timeouts timeouts, Destinations destinations) {

    /** 2 s to connect, 5 s in all: a receiver that hangs costs its app's lane little. */
    public static final PinnedPost.Timeouts DEFAULT_TIMEOUTS = new PinnedPost.Timeouts(Duration.ofSeconds(2),
            Duration.ofSeconds(5));

    public WebhookConfig {
        Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("webhook url must be http or https, found " + url);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("webhook url needs a host, found " + url);
        }
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("webhook secret must be >= 16 bytes");
        }
        secret = secret.clone();
        timeouts = timeouts == null ? DEFAULT_TIMEOUTS : timeouts;
        Objects.requireNonNull(destinations, "destinations");
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public String toString() {
        return "WebhookConfig[" + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + "]";
    }
}
