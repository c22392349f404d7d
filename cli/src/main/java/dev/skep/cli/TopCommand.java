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
    "Requests are counted per app by the router (instances show -); p99 is since the router started."})
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
        Table table = new Table("APP/INSTANCE", "STATE", "CPU%", "MEM", "REQ/S", "5XX", "P99");
        for (AppView app : client.apps()) {
            if (!app.running() || app.release() == 0) {
                continue;
            }
            MetricsView m = client.monitor().metrics(AppId.parse(app.app()), 1);
            MetricsView.Traffic t = m.traffic();
            double cpu = 0;
            long mem = 0;
            for (MetricsView.InstanceMetrics i : m.instances()) {
                if (!i.samples().isEmpty()) {
                    cpu += i.samples().getLast().cpuPercent();
                    mem += i.samples().getLast().rssBytes();
                }
            }
            table.row(app.app(), app.state(), String.format(java.util.Locale.ROOT, "%.1f", cpu), Format.bytes(mem),
                    t == null ? "0.0" : String.format(java.util.Locale.ROOT, "%.1f", t.requestsPerSecond()),
                    t == null ? "0" : t.status5xx(), t == null ? "-" : Format.millis(Math.round(t.p99Millis())));
            List<dev.skep.model.view.InstanceView> views = client.app(AppId.parse(app.app())).instances();
            for (MetricsView.InstanceMetrics i : m.instances()) {
                MetricsView.Sample s = i.samples().isEmpty() ? null : i.samples().getLast();
                String state = views == null ? "-" : views.stream().filter(v -> v.instance().equals(i.instance()))
                        .map(v -> v.state()).findFirst().orElse("-");
                table.row("  " + i.instance(), state, s == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f", s.cpuPercent()),
                        s == null ? "-" : Format.bytes(s.rssBytes()), "-", "-", "-");
            }
        }
        return table;
    }
}
