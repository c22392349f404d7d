package dev.skep.cli;

import dev.skep.client.SkepClient;
import dev.skep.model.AppId;
import dev.skep.model.view.AppView;
import dev.skep.model.view.MetricsView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** skep top [--once] [--every S] */
@Command(name = "top", description = {"CPU, memory and requests per app and instance, refreshed until interrupted.",
    "MEM/LIMIT is the instance's cgroup (page cache included) where it runs in one; p99 is per app, since the "
        + "router started."})
final class TopCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Mixin
    ClientOptions options;

    @Option(names = "--once", description = "print one table and exit (for scripts)")
    boolean once;

    @Option(names = "--every", paramLabel = "SECONDS", defaultValue = "2",
            description = "refresh interval (default: ${DEFAULT-VALUE})")
    double every;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = skep.out();
        SkepClient client = skep.client(options);
        while (true) {
            Table table = table(client);
            if (!once && skep.interactive()) {
                out.print("\033[H\033[2J"); // home, clear: redraw in place
            }
            out.println("skep top  " + skep.clock().instant().toString().replaceFirst("\\.\\d+Z$", "Z"));
            table.print(out);
            out.flush();
            if (once) {
                return SkepCli.EXIT_OK;
            }
            Thread.sleep(Duration.ofMillis(Math.max(200, Math.round(every * 1000))).toMillis()); // the refresh pace
        }
    }

    private static Table table(SkepClient client) {
        Table table = new Table("APP/INSTANCE", "STATE", "CPU%", "MEM", "MEM/LIMIT", "REQ/S", "5XX", "P99");
        for (AppView app : client.apps()) {
            if (!app.running() || app.release() == 0) {
                continue;
            }
            MetricsView m = client.monitor().metrics(AppId.parse(app.app()), 1);
            MetricsView.Traffic t = m.traffic();
            double cpu = 0;
            long mem = 0;
            long cgroupMem = 0;
            long cgroupLimit = 0;
            boolean allInCgroups = !m.instances().isEmpty();
            for (MetricsView.InstanceMetrics i : m.instances()) {
                MetricsView.Sample s = last(i);
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
            List<dev.skep.model.view.InstanceView> views = client.app(AppId.parse(app.app())).instances();
            for (MetricsView.InstanceMetrics i : m.instances()) {
                MetricsView.Sample s = last(i);
                MetricsView.InstanceTraffic it = i.traffic();
                String state = views == null ? "-" : views.stream().filter(v -> v.instance().equals(i.instance()))
                        .map(v -> v.state()).findFirst().orElse("-");
                table.row("  " + i.instance(), state, s == null ? "-" : one(s.cpuPercent()),
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
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
