package dev.skep.monitor.react;

import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.monitor.net.Destinations;
import dev.skep.monitor.rules.Alert;
import dev.skep.monitor.rules.MonitorEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * The "webhook" reactor of an install: each alert goes to the webhooks its app names (or the install's), each
 * signed with the key of that app (or the install's, for install alerts). Every (app, URL) has its own
 * {@link WebhookLane}: {@link #deliver} only queues, so one app's slow, failing or hung receivers never delay
 * another app's alerts, nor its own other URLs. A tenant's URLs may reach only public addresses (see
 * {@link Destinations}); the admin's install-wide ones anywhere.
 */
public final class AppWebhooks implements Reactor {

    /** Deliveries in flight per app at most; its other alerts wait in their lanes. */
    static final int PARALLEL_PER_APP = 4;
    static final int LANE_CAPACITY = 100;
    private static final Logger LOG = LoggerFactory.getLogger(AppWebhooks.class);

    /** A URL to POST to; {@code trusted} for the admin's install-wide webhooks, which may be internal. */
    public record Target(URI url, boolean trusted) {
    }

    /** Where to POST alerts of an app ({@code null}: install alerts); empty for nowhere. */
    @FunctionalInterface
    public interface Targets {
        List<Target> forApp(AppId app);
    }

    private record LaneKey(AppId app, URI url, boolean trusted, String secret) {
    }

    private final Targets targets;
    private final Function<AppId, byte[]> secrets;
    private final String dashboardUrl;
    private final Destinations tenantDestinations;
    private final RetryPolicy retry;
    private final EventSink events;
    private final Clock clock;
    private final Map<LaneKey, WebhookLane> lanes = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();

    /**
     * @param secrets            the signing key for an app's webhooks ({@code null}: the install's)
     * @param tenantDestinations where apps' own webhooks may connect
     * @param events             where a failed delivery is reported (generically: the app's owner reads it)
     */
    public AppWebhooks(Targets targets, Function<AppId, byte[]> secrets, String dashboardUrl,
                       Destinations tenantDestinations, RetryPolicy retry, EventSink events, Clock clock) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.dashboardUrl = dashboardUrl;
        this.tenantDestinations = Objects.requireNonNull(tenantDestinations, "tenantDestinations");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "webhook";
    }

    /** Queues the alert in the lane of each of its URLs and returns at once. */
    @Override
    public void deliver(Alert alert) {
        for (Target target : targets.forApp(alert.app())) {
            lane(alert.app(), target).offer(alert);
        }
    }

    /**
     * {@code alerts test}: one attempt to every URL now, in parallel, on the caller's thread. A failure says only
     * how many failed; each one's reason goes to the operator's log.
     */
    @Override
    public void test(Alert alert) throws DeliveryFailed, InterruptedException {
        List<Target> all = targets.forApp(alert.app());
        List<Thread> sends = new ArrayList<>();
        List<Target> failed = Collections.synchronizedList(new ArrayList<>());
        for (Target target : all) {
            WebhookLane lane = lane(alert.app(), target);
            sends.add(Thread.ofVirtual().name("webhook-test").start(() -> {
                try {
                    lane.sendNow(alert);
                } catch (InterruptedException e) {
                    failed.add(target);
                } catch (Exception e) {
                    failed.add(target);
                    LOG.warn("event=webhook.test_failed app={} url={} error=\"{}\"", label(alert.app()),
                            printable(target.url()), e.getMessage());
                }
            }));
        }
        for (Thread send : sends) {
            send.join();
        }
        if (!failed.isEmpty()) {
            throw new DeliveryFailed("delivery failed for " + failed.size() + " of " + all.size() + " webhooks");
        }
    }

    /** Alerts waiting per (app, URL), for tests. */
    int backlog() {
        return lanes.values().stream().mapToInt(WebhookLane::size).sum();
    }

    @Override
    public void close() {
        lanes.values().forEach(WebhookLane::close);
    }

    private WebhookLane lane(AppId app, Target target) {
        byte[] secret = secrets.apply(app);
        LaneKey key = new LaneKey(app, target.url(), target.trusted(), HexFormat.of().formatHex(secret));
        return lanes.computeIfAbsent(key, k -> {
            WebhookConfig config = new WebhookConfig(target.url(), secret, WebhookConfig.DEFAULT_TIMEOUTS,
                    target.trusted() ? Destinations.trusted() : tenantDestinations);
            Semaphore appPermits = permits.computeIfAbsent(label(app), a -> new Semaphore(PARALLEL_PER_APP));
            return new WebhookLane(label(app), printable(target.url()), new WebhookReactor(config, dashboardUrl),
                    CircuitBreaker.defaults(clock), appPermits, retry, LANE_CAPACITY,
                    (alert, attempt, gaveUp) -> report(alert, target, attempt, gaveUp));
        });
    }

    /** What the app's owner sees: that delivery failed, to which of its own URLs, never why. */
    private void report(Alert alert, Target target, int attempt, boolean gaveUp) {
        String to = target.trusted() ? "the install's webhook" : printable(target.url());
        String message = "webhook delivery to " + to + " failed for alert " + alert.ruleId()
                + (gaveUp ? " (gave up)" : " (will retry)");
        events.emit(new Event(clock.instant(), MonitorEvents.REACTOR_FAILED, alert.app(), null, alert.instance(),
                null, message, Map.of("reactor", name(), "rule", alert.ruleId(), "attempt", String.valueOf(attempt),
                "gaveUp", String.valueOf(gaveUp))));
    }

    private static String label(AppId app) {
        return app == null ? "install" : app.toString();
    }

    /** scheme://authority/path: a query may carry the receiver's own token, so it never reaches a log. */
    static String printable(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
