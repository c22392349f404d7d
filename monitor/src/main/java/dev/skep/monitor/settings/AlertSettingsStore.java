package dev.skep.monitor.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import dev.skep.monitor.net.Destinations;
import dev.skep.monitor.rules.Rule;
import dev.skep.monitor.rules.RuleJson;
import dev.skep.monitor.support.MonitorJson;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-app alert settings in the app's "alerts" document: validated once when written ({@link #put}), read
 * through a cache by the rule source, mail recipients and webhooks (called on every event and sample). The
 * owner of the state's change notifications calls {@link #invalidate} so other writers' changes are seen.
 */
public final class AlertSettingsStore {

    public static final String DOCUMENT = "alerts";
    static final int MAX_TARGETS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(AlertSettingsStore.class);
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final AppDocuments documents;
    private final Destinations destinations;
    private final Map<AppId, AppAlerts> cache = new ConcurrentHashMap<>();

    /** @param destinations where apps' webhooks may point: a URL whose host is a refused address is a 422 */
    public AlertSettingsStore(AppDocuments documents, Destinations destinations) {
        this.documents = documents;
        this.destinations = destinations;
    }

    /** The app's settings, from the cache; {@link AppAlerts#NONE} when it has none (or they cannot be read). */
    public AppAlerts cached(AppId app) {
        if (app == null) {
            return AppAlerts.NONE;
        }
        return cache.computeIfAbsent(app, a -> {
            try {
                return read(a).orElse(AppAlerts.NONE);
            } catch (RuntimeException e) {
                LOG.warn("event=alerts.unreadable app={} error=\"{}\": only the default rules apply", a, e.getMessage());
                return AppAlerts.NONE;
            }
        });
    }

    /** The app's settings, read now. */
    public Optional<AppAlerts> read(AppId app) {
        return documents.get(app, DOCUMENT).map(AlertSettingsStore::parse);
    }

    /**
     * Validates and stores; a bad address, URL or rule is a 400 that names it, a webhook whose host is written as
     * an internal address (loopback, private, metadata ...) a 422. Names are checked at delivery, once resolved.
     */
    public AppAlerts put(AppId app, List<String> mail, List<String> webhooks, List<Map<String, Object>> rules) {
        AppAlerts alerts = validate(mail, webhooks, rules);
        for (URI url : alerts.webhooks()) {
            destinations.refusalOfHost(url.getHost()).ifPresent(why -> {
                throw new SkepException(SkepException.Kind.UNPROCESSABLE, "webhook URL '" + printable(url.toString())
                        + "' points at an internal address (" + why + ")",
                        "give a receiver reachable from the internet; internal receivers need an admin's "
                                + "--webhook-allow");
            });
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("mail", alerts.mail());
        doc.put("webhooks", alerts.webhooks().stream().map(URI::toString).toList());
        doc.put("rules", alerts.rulesJson());
        try {
            documents.put(app, DOCUMENT, MonitorJson.mapper().writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write alert settings", e);
        }
        cache.remove(app);
        return alerts;
    }

    public void delete(AppId app) {
        documents.delete(app, DOCUMENT);
        cache.remove(app);
    }

    /** Forget what was cached: the state changed. */
    public void invalidate() {
        cache.clear();
    }

    static AppAlerts validate(List<String> mail, List<String> webhooks, List<Map<String, Object>> rules) {
        List<String> addresses = new ArrayList<>();
        for (String address : mail == null ? List.<String>of() : mail) {
            addresses.add(requireAddress(address));
        }
        List<URI> urls = new ArrayList<>();
        for (String url : webhooks == null ? List.<String>of() : webhooks) {
            urls.add(requireWebhook(url));
        }
        if (addresses.size() > MAX_TARGETS || urls.size() > MAX_TARGETS) {
            throw SkepException.badRequest("at most " + MAX_TARGETS + " mail addresses and " + MAX_TARGETS
                    + " webhooks per app", null);
        }
        List<Map<String, Object>> ruleJson = rules == null ? List.of() : rules;
        List<Rule> parsed;
        try {
            parsed = RuleJson.parse(MonitorJson.mapper().writeValueAsString(ruleJson));
        } catch (JsonProcessingException e) {
            throw SkepException.badRequest("invalid rules: " + e.getOriginalMessage(), null);
        }
        return new AppAlerts(addresses, urls, parsed, ruleJson);
    }

    /** A plain address, "ops@example.com"; names and groups are refused. */
    public static String requireAddress(String address) {
        try {
            InternetAddress parsed = new InternetAddress(address == null ? "" : address.strip(), true);
            parsed.validate();
            if (parsed.getPersonal() != null || parsed.isGroup()) {
                throw new AddressException("names and groups are not allowed");
            }
            return parsed.getAddress();
        } catch (AddressException e) {
            throw SkepException.badRequest("invalid mail address '" + printable(address) + "': " + e.getMessage(),
                    "give plain addresses, e.g. ops@example.com");
        }
    }

    public static URI requireWebhook(String url) {
        try {
            URI uri = URI.create(url == null ? "" : url.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getUserInfo() != null) {
                throw new IllegalArgumentException("not an http(s) URL with a host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw SkepException.badRequest("invalid webhook URL '" + printable(url) + "': " + e.getMessage(),
                    "give http:// or https:// URLs, e.g. https://hooks.example.com/skep");
        }
    }

    private static AppAlerts parse(String json) {
        try {
            Map<String, Object> doc = MonitorJson.mapper().readValue(json, OBJECT);
            @SuppressWarnings("unchecked")
            List<String> mail = (List<String>) doc.getOrDefault("mail", List.of());
            @SuppressWarnings("unchecked")
            List<String> hooks = (List<String>) doc.getOrDefault("webhooks", List.of());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rules = (List<Map<String, Object>>) doc.getOrDefault("rules", List.of());
            return validate(mail, hooks, rules);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("alert settings are not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
