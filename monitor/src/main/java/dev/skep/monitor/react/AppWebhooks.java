package dev.skep.monitor.react;

import dev.skep.model.AppId;
import dev.skep.monitor.rules.Alert;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The "webhook" reactor of an install: each alert goes to the webhooks its app names (or the install's), each
 * signed with the key of that app (or the install's, for install alerts), through one {@link WebhookReactor}
 * per (url, key). When some URLs fail, the others are not sent again on the dispatcher's retry.
 */
public final class AppWebhooks implements Reactor {

    /** Where to POST alerts of an app ({@code null}: install alerts); empty for nowhere. */
    @FunctionalInterface
    public interface Targets {
        List<URI> forApp(AppId app);
    }

    private record Key(URI url, String secret) {
    }

    private final Targets targets;
    private final Function<AppId, byte[]> secrets;
    private final String dashboardUrl;
    private final Duration timeout;
    private final Map<Key, WebhookReactor> senders = new ConcurrentHashMap<>();
    private final Map<Alert, Set<URI>> delivered = Collections.synchronizedMap(new WeakHashMap<>());

    /** @param secrets the signing key for an app's webhooks ({@code null}: the install's) */
    public AppWebhooks(Targets targets, Function<AppId, byte[]> secrets, String dashboardUrl, Duration timeout) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.dashboardUrl = dashboardUrl;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void deliver(Alert alert) throws IOException, InterruptedException {
        List<URI> urls = targets.forApp(alert.app());
        if (urls.isEmpty()) {
            return;
        }
        byte[] secret = secrets.apply(alert.app());
        Set<URI> done = delivered.computeIfAbsent(alert, a -> Collections.synchronizedSet(new HashSet<>()));
        List<String> failures = new ArrayList<>();
        for (URI url : urls) {
            if (done.contains(url)) {
                continue;
            }
            WebhookReactor sender = senders.computeIfAbsent(new Key(url, java.util.HexFormat.of().formatHex(secret)),
                    k -> new WebhookReactor(new WebhookConfig(url, secret, timeout), dashboardUrl));
            try {
                sender.deliver(alert);
                done.add(url);
            } catch (IOException e) {
                failures.add(e.getMessage() != null && e.getMessage().startsWith("webhook ") ? e.getMessage()
                        : url.getScheme() + "://" + url.getAuthority() + ": " + e);
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException(failures.size() + " of " + urls.size() + " webhooks failed: "
                    + String.join("; ", failures));
        }
    }
}
