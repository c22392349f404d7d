package dev.skep.server;

import dev.skep.model.AppId;
import dev.skep.model.view.MetricsView;
import dev.skep.monitor.rules.AlertEngine;
import dev.skep.route.RouteMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's counters per app, every interval: turned into rates (requests/s, % of 5xx) for the API and
 * {@code skep top}, handed to the alert engine as app-wide figures ({@code requests_per_second},
 * {@code http_5xx_rate} in %, {@code p50_ms}, {@code p99_ms}), and exported on /metrics.
 */
final class TrafficRates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrafficRates.class);

    private record Seen(long nanos, RouteMetrics.AppTraffic traffic) {
    }

    private final RouteMetrics router;
    private final AlertEngine engine;
    private final MeterRegistry registry;
    private final Map<AppId, Seen> previous = new HashMap<>();
    private final Map<AppId, MetricsView.Traffic> latest = new ConcurrentHashMap<>();
    private final Set<AppId> exported = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("traffic-rates").factory());

    TrafficRates(RouteMetrics router, AlertEngine engine, MeterRegistry registry, Duration interval) {
        this.router = router;
        this.engine = engine;
        this.registry = registry;
        timer.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The app's traffic as of the last round, or null when the router has seen none. */
    MetricsView.Traffic of(AppId app) {
        return latest.get(app);
    }

    private void round() {
        try {
            long now = System.nanoTime();
            for (Map.Entry<AppId, RouteMetrics.AppTraffic> e : router.snapshot().entrySet()) {
                AppId app = e.getKey();
                RouteMetrics.AppTraffic t = e.getValue();
                Seen before = previous.put(app, new Seen(now, t));
                double seconds = before == null ? 0 : (now - before.nanos()) / 1e9;
                long requests = before == null ? 0 : t.requests() - before.traffic().requests();
                long errors = before == null ? 0 : t.status5xx() - before.traffic().status5xx();
                double rate = seconds > 0 ? requests / seconds : 0;
                double errorRate = requests > 0 ? 100.0 * errors / requests : 0;
                latest.put(app, new MetricsView.Traffic(t.requests(), t.status2xx(), t.status3xx(), t.status4xx(),
                        t.status5xx(), Math.round(rate * 10) / 10.0, t.p50Millis(), t.p99Millis()));
                export(app);
                if (before != null) {
                    engine.onSample(app, null, Map.of("requests_per_second", rate, "http_5xx_rate", errorRate,
                            "p50_ms", t.p50Millis(), "p99_ms", t.p99Millis()));
                }
            }
        } catch (RuntimeException e) {
            log.warn("event=traffic.round-failed error=\"{}\" next=\"tried again next interval\"", e.toString());
        }
    }

    private void export(AppId app) {
        if (!exported.add(app)) {
            return;
        }
        String name = app.toString();
        counter(name, "2xx", t -> t.status2xx());
        counter(name, "3xx", t -> t.status3xx());
        counter(name, "4xx", t -> t.status4xx());
        counter(name, "5xx", t -> t.status5xx());
        Gauge.builder("skep.router.latency.p50", latest, m -> value(m.get(app), MetricsView.Traffic::p50Millis))
                .description("Median time from request head to last response byte, since start")
                .baseUnit("milliseconds").tag("app", name).register(registry);
        Gauge.builder("skep.router.latency.p99", latest, m -> value(m.get(app), MetricsView.Traffic::p99Millis))
                .description("99th percentile of the time from request head to last response byte, since start")
                .baseUnit("milliseconds").tag("app", name).register(registry);
        Gauge.builder("skep.router.request.rate", latest, m -> value(m.get(app), MetricsView.Traffic::requestsPerSecond))
                .description("Requests per second over the last interval")
                .tag("app", name).register(registry);
    }

    private void counter(String app, String status, ToDoubleFunction<MetricsView.Traffic> figure) {
        AppId id = AppId.parse(app);
        FunctionCounter.builder("skep.router.requests", latest, m -> value(m.get(id), figure))
                .description("Requests the router finished, by status class").tags("app", app, "status", status)
                .register(registry);
    }

    private static double value(MetricsView.Traffic t, ToDoubleFunction<MetricsView.Traffic> figure) {
        return t == null ? 0 : figure.applyAsDouble(t);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
