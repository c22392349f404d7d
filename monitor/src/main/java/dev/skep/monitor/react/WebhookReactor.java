package dev.skep.monitor.react;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.skep.monitor.rules.Alert;
import dev.skep.monitor.rules.MonitorEvents;
import dev.skep.monitor.support.Hmac;
import dev.skep.monitor.support.MonitorJson;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * POSTs each alert as JSON, signed: {@code X-Skep-Signature: sha256=<hex HMAC of the body>}. One attempt per call;
 * anything but a 2xx throws, and the {@link ReactorDispatcher} retries with back-off. Payload:
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
    private final HttpClient http;
    private final Map<Alert, String> deliveryIds = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    public WebhookReactor(WebhookConfig config, String dashboardUrl) {
        this.config = Objects.requireNonNull(config, "config");
        this.dashboardUrl = dashboardUrl;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void deliver(Alert alert) throws IOException, InterruptedException {
        byte[] body = payload(alert);
        String event = alert.status() == Alert.Status.RESOLVED ? MonitorEvents.ALERT_RESOLVED : MonitorEvents.ALERT_FIRED;
        HttpRequest request = HttpRequest.newBuilder(config.url())
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "skep-monitor")
                .header("X-Skep-Event", event)
                .header("X-Skep-Signature", "sha256=" + Hmac.sha256Hex(config.secret(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("webhook " + config + " answered " + response.statusCode());
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
