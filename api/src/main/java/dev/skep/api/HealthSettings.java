package dev.skep.api;

import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.HealthCheck;
import dev.skep.model.SkepException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's health check, kept in its "health" document (not in {@code AppSpec}: a change needs no new release
 * and no rollout, running instances pick it up at their next check). Written by the API, read through a cache
 * by agents on every check; whoever owns the state's change notifications calls {@link #invalidate}.
 */
public final class HealthSettings {

    public static final String DOCUMENT = "health";
    private static final Logger log = LoggerFactory.getLogger(HealthSettings.class);

    /**
     * The wire form: {@code {"path": "/health", "interval": 5, "timeout": 2, "failures": 3, "restartAfter": 60}}
     * (durations in seconds or ISO-8601); {@code "type": "tcp"} for a connect check, {@code "type": "off"} for none.
     */
    public record Setting(String type, String path, Duration interval, Duration timeout, Integer failures,
                          Duration restartAfter) {

        /** The check, or null for "off". */
        public HealthCheck check() {
            String kind = type == null ? (path == null ? "tcp" : "http") : type;
            return switch (kind) {
                case "off" -> null;
                case "tcp" -> {
                    if (path != null) {
                        throw SkepException.badRequest("a tcp health check has no path", "leave out \"path\" or use type http");
                    }
                    yield new HealthCheck(null, interval, timeout, failures == null ? 0 : failures, restartAfter);
                }
                case "http" -> {
                    if (path == null) {
                        throw SkepException.badRequest("an http health check needs a path", "e.g. \"path\": \"/health\"");
                    }
                    yield new HealthCheck(path, interval, timeout, failures == null ? 0 : failures, restartAfter);
                }
                default -> throw SkepException.badRequest("unknown health type '" + kind.replaceAll("[^\\x20-\\x7e]", "?")
                        + "'", "use http, tcp or off");
            };
        }

        public static Setting of(HealthCheck c) {
            return new Setting(c.isHttp() ? "http" : "tcp", c.path(), c.interval(), c.timeout(), c.failures(),
                    c.restartAfter());
        }
    }

    private final AppDocuments documents;
    private final Map<AppId, Optional<HealthCheck>> cache = new ConcurrentHashMap<>();

    public HealthSettings(AppDocuments documents) {
        this.documents = documents;
    }

    /** The app's check from the cache, or null for none; never throws (an unreadable setting is no check). */
    public HealthCheck cached(AppId app) {
        return cache.computeIfAbsent(app, a -> {
            try {
                return read(a);
            } catch (RuntimeException e) {
                log.warn("event=health.unreadable app={} error=\"{}\": no health check", a, e.getMessage());
                return Optional.empty();
            }
        }).orElse(null);
    }

    public Optional<HealthCheck> read(AppId app) {
        return ApiJson.readDocument(app, documents.get(app, DOCUMENT), HealthCheck.class, "health setting");
    }

    /** Sets (or with type "off" removes) the app's check; returns it, or null when off. */
    public HealthCheck apply(AppId app, Setting setting) {
        HealthCheck check = setting.check();
        if (check == null) {
            documents.delete(app, DOCUMENT);
        } else {
            documents.put(app, DOCUMENT, ApiJson.writeDocument(check, "health setting"));
        }
        cache.remove(app);
        log.info("event=health.set app={} check={}", app, check);
        return check;
    }

    public void invalidate() {
        cache.clear();
    }
}
