package dev.skep.monitor.react;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.skep.monitor.net.PinnedPost;
import dev.skep.monitor.rules.Alert;
import dev.skep.monitor.rules.MonitorEvents;
import dev.skep.monitor.support.Hmac;
import dev.skep.monitor.support.MonitorJson;

import java.io.IOException;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Collections;
import java.util.Objects;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * POSTs each alert as JSON, signed: {@code X-Skep-Signature: sha256=<hex HMAC of the body>}. One attempt per call,
 * to an address the {@link WebhookConfig#destinations()} allow, resolved and checked for this attempt and connected
 * to as is ({@link PinnedPost}); anything but a 2xx throws, and the caller retries with back-off. Payload:
 *
 * <pre>
 * {"event":"alert.fired","status":"firing","rule":"heartbeat","kind":"expire","app":"alice/shop",
 *  "instance":"alice.shop.3.abc123","since":"2025-...Z","at":"2025-...Z","summary":"no heartbeat from ...",
 *  "delivery":"uuid","link":"https://.../apps/alice/shop"}
 * </pre>
 * The same delivery id is sent on every retry of one notification, so receivers can drop duplicates.
 */
public final class WebhookReactor implements Reactor {

    private final WebhookConfig config;
    private final String dashboardUrl;
    private final Map<Alert, String> deliveryIds = Collections.synchronizedMap(new WeakHashMap<>());

    public WebhookReactor(WebhookConfig config, String dashboardUrl) {
        this.config = Objects.requireNonNull(config, "config");
        this.dashboardUrl = dashboardUrl;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void deliver(Alert alert) throws IOException {
        byte[] body = payload(alert);
        String event = alert.status() == Alert.Status.RESOLVED ? MonitorEvents.ALERT_RESOLVED : MonitorEvents.ALERT_FIRED;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "skep-monitor");
        headers.put("X-Skep-Event", event);
        headers.put("X-Skep-Signature", "sha256=" + Hmac.sha256Hex(config.secret(), body));
        InetAddress address = config.destinations().resolve(config.url().getHost());
        int status = PinnedPost.post(config.url(), address, headers, body, config.timeouts());
        if (status / 100 != 2) {
            throw new IOException("webhook " + config + " answered " + status);
        }
    }

    byte[] payload(Alert alert) throws JsonProcessingException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("event", alert.status() == Alert.Status.RESOLVED ? MonitorEvents.ALERT_RESOLVED : MonitorEvents.ALERT_FIRED);
        p.put("status", alert.status().name().toLowerCase());
        p.put("rule", alert.ruleId());
        p.put("kind", alert.kind());
        p.put("app", alert.app() == null ? null : alert.app().toString());
        p.put("instance", alert.instance());
        p.put("since", alert.since().toString());
        p.put("at", alert.at().toString());
        p.put("summary", alert.summary());
        p.put("delivery", deliveryIds.computeIfAbsent(alert, a -> UUID.randomUUID().toString()));
        if (dashboardUrl != null && alert.app() != null) {
            p.put("link", dashboardUrl.replaceAll("/$", "") + "/apps/" + alert.app().user() + "/" + alert.app().name());
        }
        return MonitorJson.mapper().writeValueAsBytes(p);
    }
}
