package dev.skep.route.proxy;

import dev.skep.model.AppId;
import dev.skep.route.RouteMetrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Per-app request counters by status class and a latency histogram; written from every event loop. */
public final class TrafficCounters implements RouteMetrics {

    private static final class App {
        final LongAdder requests = new LongAdder();
        final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
        final LatencyHistogram latency = new LatencyHistogram();
    }

    private final ConcurrentHashMap<AppId, App> apps = new ConcurrentHashMap<>();

    public void record(AppId app, int status, long nanos) {
        if (app == null) {
            return;
        }
        App a = apps.computeIfAbsent(app, k -> new App());
        a.requests.increment();
        int cls = status / 100;
        if (cls >= 2 && cls <= 5) {
            a.byClass[cls - 2].increment();
        }
        a.latency.record(nanos);
    }

    @Override
    public Map<AppId, AppTraffic> snapshot() {
        Map<AppId, AppTraffic> out = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        apps.forEach((id, a) -> out.put(id, new AppTraffic(a.requests.sum(), a.byClass[0].sum(),
                a.byClass[1].sum(), a.byClass[2].sum(), a.byClass[3].sum(),
                a.latency.quantileMillis(0.5), a.latency.quantileMillis(0.99))));
        return java.util.Collections.unmodifiableMap(out);
    }
}
