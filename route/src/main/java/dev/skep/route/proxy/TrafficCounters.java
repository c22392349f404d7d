package dev.skep.route.proxy;

import dev.skep.model.AppId;
import dev.skep.route.Backend;
import dev.skep.route.RouteMetrics;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters per app (by status class, with a latency histogram) and per instance; written from every
 * event loop. A request costs two map lookups and a few adder increments: the counters of an app or instance
 * are made on its first request only.
 */
public final class TrafficCounters implements RouteMetrics {

    private static final class App {
        final LongAdder requests = new LongAdder();
        final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
        final LatencyHistogram latency = new LatencyHistogram();
    }

    private static final class Instance {
        final AppId app;
        final LongAdder requests = new LongAdder();
        final LongAdder status5xx = new LongAdder();

        Instance(AppId app) {
            this.app = app;
        }
    }

    private final ConcurrentHashMap<AppId, App> apps = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instance> instances = new ConcurrentHashMap<>();

    /** A response the router made itself (no instance answered). */
    public void record(AppId app, int status, long nanos) {
        if (app == null) {
            return;
        }
        App a = apps.get(app);
        if (a == null) {
            a = apps.computeIfAbsent(app, k -> new App());
        }
        a.requests.increment();
        int cls = status / 100;
        if (cls >= 2 && cls <= 5) {
            a.byClass[cls - 2].increment();
        }
        a.latency.record(nanos);
    }

    /** A finished exchange: counted for the app, and for the instance when one was tried ({@code backend} set). */
    public void record(AppId app, Backend backend, int status, long nanos) {
        record(app, status, nanos);
        if (app == null || backend == null) {
            return;
        }
        Instance i = instances.get(backend.instance());
        if (i == null) {
            i = instances.computeIfAbsent(backend.instance(), k -> new Instance(app));
        }
        i.requests.increment();
        if (status >= 500 && status < 600) {
            i.status5xx.increment();
        }
    }

    @Override
    public Map<AppId, AppTraffic> snapshot() {
        Map<AppId, AppTraffic> out = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        apps.forEach((id, a) -> out.put(id, new AppTraffic(a.requests.sum(), a.byClass[0].sum(),
                a.byClass[1].sum(), a.byClass[2].sum(), a.byClass[3].sum(),
                a.latency.quantileMillis(0.5), a.latency.quantileMillis(0.99))));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public Map<String, InstanceTraffic> instances() {
        Map<String, InstanceTraffic> out = new TreeMap<>();
        instances.forEach((id, i) -> out.put(id, new InstanceTraffic(i.app, i.requests.sum(), i.status5xx.sum())));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public void retain(Set<AppId> liveApps, Set<String> liveInstances) {
        apps.keySet().retainAll(liveApps);
        instances.keySet().retainAll(liveInstances);
    }
}
