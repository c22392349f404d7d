package dev.skep.cli;

import dev.skep.client.SkepClient;
import dev.skep.model.AppId;
import dev.skep.model.view.AppView;
import dev.skep.model.view.InstanceView;
import dev.skep.model.view.MetricsView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** skep top [--once] [--every S] */
@Command(name = "top", description = {"CPU, memory and requests per app and instance, refreshed until interrupted.",
    "MEM/LIMIT is the instance's cgroup (page cache included) where it runs in one; p99 is per app, since the "
        + "router started."})
final class TopCommand extends ClientVerb {

    @Option(names = "--once", description = "print one table and exit (for scripts)")
    boolean once;

    @Option(names = "--every", paramLabel = "SECONDS", defaultValue = "2",
            description = "refresh interval (default: ${DEFAULT-VALUE})")
    double every;

    @Option(names = "--json", description = "one JSON document per refresh (with --once: just one): time, apps, "
            + "each with its state, traffic and instances (state, last sample, traffic), in the API's fields")
    boolean json;

    /** An app as top shows it: the API's figures, nothing summed yet (the table sums, --json does not). */
    public record TopApp(String app, String state, MetricsView.Traffic traffic, List<TopInstance> instances) {
    }

    /** An instance: its state, its newest sample (null before the first) and the router's traffic to it. */
    public record TopInstance(String instance, String state, MetricsView.Sample sample, MetricsView.InstanceTraffic traffic) {
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = out();
        SkepClient client = client();
        while (true) {
            List<TopApp> apps = read(client);
            String time = skep().clock().instant().toString().replaceFirst("\\.\\d+Z$", "Z");
            if (json) {
                Map<String, Object> document = new LinkedHashMap<>(); // keys in a stable order
                document.put("time", time);
                document.put("apps", apps);
                out.println(Views.json(document)); // never a screen clear: a stream of documents, one a line
            } else {
                if (!once && skep().interactive()) {
                    out.print("\033[H\033[2J"); // home, clear: redraw in place
                }
                out.println("skep top  " + time);
                table(apps).print(out);
            }
            out.flush();
            if (once) {
                return SkepCli.EXIT_OK;
            }
            Thread.sleep(Duration.ofMillis(Math.max(200, Math.round(every * 1000))).toMillis()); // the refresh pace
        }
    }

    private static List<TopApp> read(SkepClient client) {
        List<TopApp> apps = new ArrayList<>();
        for (AppView app : client.apps()) {
            if (!app.running() || app.release() == 0) {
                continue;
            }
            MetricsView m = client.monitor().metrics(AppId.parse(app.app()), 1);
            List<InstanceView> views = client.app(AppId.parse(app.app())).instances();
            List<TopInstance> instances = new ArrayList<>();
            for (MetricsView.InstanceMetrics i : m.instances()) {
                String state = views == null ? "-" : views.stream().filter(v -> v.instance().equals(i.instance()))
                        .map(v -> v.state()).findFirst().orElse("-");
                instances.add(new TopInstance(i.instance(), state, last(i), i.traffic()));
            }
            apps.add(new TopApp(app.app(), app.state(), m.traffic(), instances));
        }
        return apps;
    }

    private static Table table(List<TopApp> apps) {
        Table table = new Table("APP/INSTANCE", "STATE", "CPU%", "MEM", "MEM/LIMIT", "REQ/S", "5XX", "P99");
        for (TopApp app : apps) {
            MetricsView.Traffic t = app.traffic();
            double cpu = 0;
            long mem = 0;
            long cgroupMem = 0;
            long cgroupLimit = 0;
            boolean allInCgroups = !app.instances().isEmpty();
            for (TopInstance i : app.instances()) {
                MetricsView.Sample s = i.sample();
                if (s != null) {
                    cpu += s.cpuPercent();
                    mem += s.rssBytes();
                }
                if (s == null || s.cgroupMemoryBytes() == null || s.cgroupMemoryLimitBytes() == null) {
                    allInCgroups = false;
                } else {
                    cgroupMem += s.cgroupMemoryBytes();
                    cgroupLimit += s.cgroupMemoryLimitBytes();
                }
            }
            table.row(app.app(), app.state(), one(cpu), Format.bytes(mem),
                    allInCgroups ? Format.bytes(cgroupMem) + " / " + Format.bytes(cgroupLimit) : "-",
                    t == null ? "0.0" : one(t.requestsPerSecond()),
                    t == null ? "0" : t.status5xx(), t == null ? "-" : Format.millis(Math.round(t.p99Millis())));
            for (TopInstance i : app.instances()) {
                MetricsView.Sample s = i.sample();
                MetricsView.InstanceTraffic it = i.traffic();
                table.row("  " + i.instance(), i.state(), s == null ? "-" : one(s.cpuPercent()),
                        s == null ? "-" : Format.bytes(s.rssBytes()), s == null ? "-" : cgroupMemory(s),
                        it == null ? "0.0" : one(it.requestsPerSecond()), it == null ? "0" : it.status5xx(), "-");
            }
        }
        return table;
    }

    private static MetricsView.Sample last(MetricsView.InstanceMetrics i) {
        return i.samples() == null || i.samples().isEmpty() ? null : i.samples().getLast();
    }

    /** "52.1 MB / 512.0 MB" in a cgroup with a limit, "52.1 MB / -" without one, "-" outside any. */
    static String cgroupMemory(MetricsView.Sample s) {
        if (s.cgroupMemoryBytes() == null) {
            return "-";
        }
        return Format.bytes(s.cgroupMemoryBytes()) + " / "
                + (s.cgroupMemoryLimitBytes() == null ? "-" : Format.bytes(s.cgroupMemoryLimitBytes()));
    }

    private static String one(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
