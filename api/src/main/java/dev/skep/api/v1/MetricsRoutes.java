package dev.skep.api.v1;

import dev.skep.api.AppCommands;
import dev.skep.api.AppViews;
import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.InstanceStatus;
import dev.skep.model.view.MetricsView;
import dev.skep.monitor.metrics.InstanceSample;
import dev.skep.monitor.metrics.MetricsHistory;
import dev.skep.monitor.metrics.PrometheusExport;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * GET /metrics: Prometheus text (admin), skep's JVM and process, every instance, the router per app and instance.
 * GET /v1/apps/{user}/{app}/metrics[?samples=N]: the last hour (or the last N samples) per instance with the
 * router's traffic to it, and the router's traffic for the app.
 */
public record MetricsRoutes(PrometheusExport prometheus, MetricsHistory history, AppCommands commands, AppViews views,
                    Function<AppId, MetricsView.Traffic> traffic,
                    Function<String, MetricsView.InstanceTraffic> instanceTraffic) implements Routes {

    /**
     * @param traffic         the router's figures for an app, or null when it has seen none
     * @param instanceTraffic the router's figures for an instance, or null when it has seen none
     */

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/metrics", this::prometheus);
        routes.get("/v1/apps/{user}/{app}/metrics", this::app);
    }

    private void prometheus(Context ctx) {
        Caller.principal(ctx).requireAdmin();
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
        ctx.result(prometheus.scrape());
    }

    private void app(Context ctx) {
        AppId app = Caller.ownedApp(ctx);
        AppSpec spec = commands.require(app);
        int samples = Math.max(1, ctx.queryParamAsClass("samples", Integer.class).getOrDefault(Integer.MAX_VALUE));
        List<MetricsView.InstanceMetrics> instances = new ArrayList<>();
        for (InstanceStatus instance : views.instancesOf(spec)) {
            List<InstanceSample> all = history.history(instance.instance());
            List<MetricsView.Sample> out = all.subList(Math.max(0, all.size() - samples), all.size()).stream()
                    .map(s -> new MetricsView.Sample(s.time(), round(s.cpuPercent()), s.rssBytes(), s.openFiles(),
                            s.processes(), s.restarts(), s.uptimeSeconds(), known(s.cgroupMemoryBytes()),
                            known(s.cgroupMemoryLimitBytes())))
                    .toList();
            instances.add(new MetricsView.InstanceMetrics(instance.instance(), out,
                    instanceTraffic.apply(instance.instance())));
        }
        ctx.json(new MetricsView(app.toString(), instances, traffic.apply(app)));
    }

    private static Long known(long bytes) {
        return bytes < 0 ? null : bytes;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
