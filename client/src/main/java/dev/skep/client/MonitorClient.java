package dev.skep.client;

import dev.skep.model.AppId;
import dev.skep.model.view.AlertSettings;
import dev.skep.model.view.AlertTestResult;
import dev.skep.model.view.AppView;
import dev.skep.model.view.EventView;
import dev.skep.model.view.HealthView;
import dev.skep.model.view.MetricsView;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The monitor's part of the API, one method per endpoint (a part of {@link SkepClient}, which stays small:
 * {@code client.monitor().events(...)}). Errors as in {@link SkepClient}.
 */
public final class MonitorClient {

    /** What to ask {@code /v1/events} for; nulls mean "any". {@code since}: ISO time or an age ("10m"). */
    public record EventQuery(AppId app, String type, String since, Integer limit) {
        String query(boolean follow) {
            StringBuilder q = new StringBuilder("?follow=").append(follow);
            if (app != null) {
                q.append("&app=").append(ApiPaths.encoded(app.toString()));
            }
            if (type != null) {
                q.append("&type=").append(ApiPaths.encoded(type));
            }
            if (since != null) {
                q.append("&since=").append(ApiPaths.encoded(since));
            }
            if (limit != null) {
                q.append("&limit=").append(limit);
            }
            return q.toString();
        }
    }

    private final ApiCalls api;

    MonitorClient(ApiCalls api) {
        this.api = api;
    }

    /** The newest events that match, oldest first. */
    public List<EventView> events(EventQuery query) {
        return api.call("GET", "/v1/events" + query.query(false), null, Json.listOf(EventView.class));
    }

    /**
     * The matching events, then every new one as it happens (server-sent events), to {@code sink}, until the
     * server ends the stream or the thread is interrupted. Blocks.
     */
    public void followEvents(EventQuery query, Consumer<EventView> sink) {
        String what = "following events";
        Http1Request request = Http1Request.of("GET", "/v1/events" + query.query(true),
                api.headers("Accept", "text/event-stream"), null, null);
        try (Http1Response response = api.send(request, what)) {
            api.requireSuccess(response, what);
            try (LineReader lines = api.lines(response, what)) {
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("data:")) {
                        sink.accept(event(line.substring(5).strip(), response));
                    }
                }
            }
        }
    }

    private EventView event(String json, Http1Response response) {
        try {
            return Json.read(json.getBytes(StandardCharsets.UTF_8), EventView.class);
        } catch (JsonException e) {
            throw api.answers().nonsense(response.uri(), "an event that is not JSON (" + e.getMessage() + ")");
        }
    }

    /** The app's samples per instance (the last {@code samples}, or the last hour when null) and traffic. */
    public MetricsView metrics(AppId app, Integer samples) {
        return api.call("GET", ApiPaths.app(app) + "/metrics" + (samples == null ? "" : "?samples=" + samples), null,
                MetricsView.class);
    }

    /** The app's health check ({@code type} "off" when it has none). */
    public HealthView health(AppId app) {
        return api.call("GET", ApiPaths.app(app) + "/health", null, HealthView.class);
    }

    /**
     * Sets the app's health check: {@code {"path": "/health", "interval": 5, ...}} as the API takes it
     * (durations in seconds; {@code "type": "tcp"}, or {@code "type": "off"} to remove it). Running instances
     * use it from their next check on.
     */
    public void setHealth(AppId app, Map<String, Object> setting) {
        api.call("PATCH", ApiPaths.app(app), Map.of("health", setting), AppView.class);
    }

    public AlertSettings alerts(AppId app) {
        return api.call("GET", ApiPaths.app(app) + "/alerts", null, AlertSettings.class);
    }

    /** Replaces the app's mail recipients, webhooks and rules. */
    public AlertSettings setAlerts(AppId app, AlertSettings settings) {
        return api.call("PUT", ApiPaths.app(app) + "/alerts", settings, AlertSettings.class);
    }

    /** Back to the install's recipients and the default rules. */
    public void deleteAlerts(AppId app) {
        api.call("DELETE", ApiPaths.app(app) + "/alerts", null, null);
    }

    /** Sends a test alert through every reactor now; says per reactor what happened. */
    public AlertTestResult testAlerts(AppId app) {
        return api.call("POST", ApiPaths.app(app) + "/alerts/test", null, AlertTestResult.class);
    }

    /**
     * Alert rules from JSON text (an array of objects, as in monitor/README-rules.md), to send with
     * {@link #setAlerts}.
     *
     * @throws IllegalArgumentException when the text is not such an array; the message says where
     */
    public static List<Map<String, Object>> parseRules(String json) {
        try {
            Object tree = JsonParser.parse(json);
            if (tree == null) {
                throw new IllegalArgumentException("the rules should be a list, found null");
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rules = (List<Map<String, Object>>) JsonBinder.bind(tree,
                    Json.listOf(Map.class), "the rules");
            return rules;
        } catch (JsonException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
