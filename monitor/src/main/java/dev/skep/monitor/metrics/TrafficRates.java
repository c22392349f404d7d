package dev.skep.monitor.metrics;

import dev.skep.model.AppId;
import dev.skep.model.TrafficCounts;
import dev.skep.model.view.MetricsView;
import dev.skep.monitor.rules.AlertEngine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's counters per app and per instance, every interval: turned into rates (requests/s, % of 5xx) for
 * the API and {@code skep top}, handed to the alert engine as app-wide figures ({@code requests_per_second},
 * {@code http_5xx_rate} in %, {@code p50_ms}, {@code p99_ms}) and per instance ({@code instance_requests_per_second},
 * {@code instance_http_5xx_rate}), and exported on /metrics. An app or instance the router no longer counts
 * (deleted, stopped) loses its figures and its meters.
 */
public final class TrafficRates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrafficRates.class);

    /** One subject's counters at one round. */
    private record Seen(long nanos, long requests, long status5xx) {

        /** Requests/s and % of them 5xx from {@code before} to this round; zeros when there is no before. */
        Interval since(Seen before) {
            if (before == null) {
                return new Interval(0, 0);
            }
            double seconds = (nanos - before.nanos) / 1e9;
            long answered = requests - before.requests;
            return new Interval(seconds > 0 ? answered / seconds : 0,
                    answered > 0 ? 100.0 * (status5xx - before.status5xx) / answered : 0);
        }
    }

    private record Interval(double requestsPerSecond, double percent5xx) {
    }

    /** Rule metrics of one instance's traffic (a sick instance among healthy ones shows here, not app-wide). */
    public static final String INSTANCE_REQUESTS_PER_SECOND = "instance_requests_per_second";
    public static final String INSTANCE_HTTP_5XX_RATE = "instance_http_5xx_rate";

    private final TrafficCounts router;
    private final AlertEngine engine;
    private final MeterRegistry registry;
    private final Map<AppId, Seen> previousApps = new HashMap<>();
    private final Map<String, Seen> previousInstances = new HashMap<>();
    private final Map<AppId, MetricsView.Traffic> apps = new ConcurrentHashMap<>();
    private final Map<String, MetricsView.InstanceTraffic> instances = new ConcurrentHashMap<>();
    private final Map<AppId, List<Meter>> appMeters = new HashMap<>();
    private final Map<String, List<Meter>> instanceMeters = new HashMap<>();
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("traffic-rates").factory());

    /** @param router what the router counted (read every {@code interval}) */
    public TrafficRates(TrafficCounts router, AlertEngine engine, MeterRegistry registry, Duration interval) {
        this(router, engine, registry, interval, System::nanoTime);
    }

    /** @param nanoTime the clock rates are timed by (tests move it on) */
    TrafficRates(TrafficCounts router, AlertEngine engine, MeterRegistry registry, Duration interval,
                 LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.router = router;
        this.engine = engine;
        this.registry = registry;
        timer.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The app's traffic as of the last round, or null when the router has seen none. */
    public MetricsView.Traffic of(AppId app) {
        return apps.get(app);
    }

    /** The instance's traffic as of the last round, or null when the router has seen none. */
    public MetricsView.InstanceTraffic ofInstance(String instance) {
        return instances.get(instance);
    }

    /** One round now (tests); rounds never overlap. */
    synchronized void round() {
        try {
            long now = nanoTime.getAsLong();
            Map<AppId, TrafficCounts.AppTraffic> appCounts = router.snapshot();
            for (Map.Entry<AppId, TrafficCounts.AppTraffic> e : appCounts.entrySet()) {
                app(e.getKey(), e.getValue(), now);
            }
            Map<String, TrafficCounts.InstanceTraffic> instanceCounts = router.instances();
            for (Map.Entry<String, TrafficCounts.InstanceTraffic> e : instanceCounts.entrySet()) {
                instance(e.getKey(), e.getValue(), now);
            }
            forgetAppsBut(appCounts);
            forgetInstancesBut(instanceCounts);
        } catch (RuntimeException e) {
            log.warn("event=traffic.round-failed error=\"{}\" next=\"tried again next interval\"", e.toString());
        }
    }

    private void app(AppId app, TrafficCounts.AppTraffic t, long now) {
        Seen seen = new Seen(now, t.requests(), t.status5xx());
        Seen before = previousApps.put(app, seen);
        Interval last = seen.since(before);
        apps.put(app, new MetricsView.Traffic(t.requests(), t.status2xx(), t.status3xx(), t.status4xx(),
                t.status5xx(), round1(last.requestsPerSecond()), t.p50Millis(), t.p99Millis()));
        appMeters.computeIfAbsent(app, this::exportApp);
        if (before != null) {
            engine.onSample(app, null, Map.of("requests_per_second", last.requestsPerSecond(),
                    "http_5xx_rate", last.percent5xx(), "p50_ms", t.p50Millis(), "p99_ms", t.p99Millis()));
        }
    }

    private void instance(String id, TrafficCounts.InstanceTraffic t, long now) {
        Seen seen = new Seen(now, t.requests(), t.status5xx());
        Seen before = previousInstances.put(id, seen);
        Interval last = seen.since(before);
        instances.put(id, new MetricsView.InstanceTraffic(t.requests(), t.status5xx(),
                round1(last.requestsPerSecond())));
        instanceMeters.computeIfAbsent(id, k -> exportInstance(t.app(), id));
        if (before != null) { // names of their own: an app-wide rule must not also fire once per instance
            engine.onSample(t.app(), id, Map.of(INSTANCE_REQUESTS_PER_SECOND, last.requestsPerSecond(),
                    INSTANCE_HTTP_5XX_RATE, last.percent5xx()));
        }
    }

    private void forgetAppsBut(Map<AppId, ?> counted) {
        for (AppId app : new ArrayList<>(appMeters.keySet())) {
            if (!counted.containsKey(app)) {
                appMeters.remove(app).forEach(registry::remove);
                apps.remove(app);
                previousApps.remove(app);
                log.info("event=traffic.forgotten app={} reason=\"the router no longer counts it (deleted)\"", app);
            }
        }
    }

    private void forgetInstancesBut(Map<String, ?> counted) {
        for (String id : new ArrayList<>(instanceMeters.keySet())) {
            if (!counted.containsKey(id)) {
                instanceMeters.remove(id).forEach(registry::remove);
                instances.remove(id);
                previousInstances.remove(id);
            }
        }
    }

    private List<Meter> exportApp(AppId app) {
        String name = app.toString();
        return List.of(
                counter(app, name, "2xx", MetricsView.Traffic::status2xx),
                counter(app, name, "3xx", MetricsView.Traffic::status3xx),
                counter(app, name, "4xx", MetricsView.Traffic::status4xx),
                counter(app, name, "5xx", MetricsView.Traffic::status5xx),
                Gauge.builder("skep.router.latency.p50", apps, m -> value(m.get(app), MetricsView.Traffic::p50Millis))
                        .description("Median time from request head to last response byte, since start")
                        .baseUnit("milliseconds").tag("app", name).register(registry),
                Gauge.builder("skep.router.latency.p99", apps, m -> value(m.get(app), MetricsView.Traffic::p99Millis))
                        .description("99th percentile of the time from request head to last response byte, since start")
                        .baseUnit("milliseconds").tag("app", name).register(registry),
                Gauge.builder("skep.router.request.rate", apps,
                                m -> value(m.get(app), MetricsView.Traffic::requestsPerSecond))
                        .description("Requests per second over the last interval")
                        .tag("app", name).register(registry));
    }

    private List<Meter> exportInstance(AppId app, String id) {
        String name = app.toString();
        return List.of(
                FunctionCounter.builder("skep.router.instance.requests", instances,
                                m -> value(m.get(id), MetricsView.InstanceTraffic::requests))
                        .description("Requests the router finished on this instance").tags("app", name, "instance", id)
                        .register(registry),
                FunctionCounter.builder("skep.router.instance.requests.5xx", instances,
                                m -> value(m.get(id), MetricsView.InstanceTraffic::status5xx))
                        .description("Requests the router finished on this instance with a 5xx")
                        .tags("app", name, "instance", id).register(registry),
                Gauge.builder("skep.router.instance.request.rate", instances,
                                m -> value(m.get(id), MetricsView.InstanceTraffic::requestsPerSecond))
                        .description("Requests per second to this instance over the last interval")
                        .tags("app", name, "instance", id).register(registry));
    }

    private Meter counter(AppId app, String name, String status, ToDoubleFunction<MetricsView.Traffic> figure) {
        return FunctionCounter.builder("skep.router.requests", apps, m -> value(m.get(app), figure))
                .description("Requests the router finished, by status class").tags("app", name, "status", status)
                .register(registry);
    }

    private static <T> double value(T t, ToDoubleFunction<T> figure) {
        return t == null ? 0 : figure.applyAsDouble(t);
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
