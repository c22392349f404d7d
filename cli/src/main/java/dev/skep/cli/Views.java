package dev.skep.cli;

import dev.skep.client.Json;
import dev.skep.model.InstanceState;
import dev.skep.model.view.AppView;
import dev.skep.model.view.InstanceView;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** How apps and instances read on screen; shared by ps, deploy and the app verbs. */
final class Views {

    /** A value as the API writes it (record components by name, nulls left out): what --json prints. */
    static String json(Object value) {
        return new String(Json.write(value), StandardCharsets.UTF_8);
    }

    static final String READY = "ready";

    private Views() {
    }

    static List<InstanceView> instances(AppView app) {
        return app.instances() == null ? List.of() : app.instances();
    }

    static long ready(List<InstanceView> instances) {
        return instances.stream().filter(i -> READY.equals(i.state())).count();
    }

    /**
     * "alice/shop: running, 2/2 instances ready, release v3": only instances of the app's release count (an old
     * release kept warm during a probation is not "3/1 ready"); a stopped app says what is still stopping
     * instead ("stopped, 1/1 instances ready" read as if it still ran).
     */
    static String summary(AppView app) {
        List<InstanceView> instances = instances(app);
        String release = app.release() > 0 ? "release v" + app.release() : "no release yet";
        if (!app.running()) {
            long left = ready(instances);
            return app.app() + ": stopped, " + release + (left == 0 ? ""
                    : " (" + left + (left == 1 ? " instance" : " instances") + " still stopping)");
        }
        return app.app() + ": " + app.state() + ", " + readyOfRelease(app) + "/" + app.instancesWanted()
                + " instances ready, " + release;
    }

    /** Ready instances of the app's release (all ready ones before it has one). */
    static long readyOfRelease(AppView app) {
        return instances(app).stream().filter(i -> READY.equals(i.state()))
                .filter(i -> app.release() == 0 || i.release() == app.release()).count();
    }

    /** After a change: the summary, and how to watch it settle when it has not yet. */
    static void printChanged(PrintWriter out, AppView app) {
        out.println(summary(app));
        if (app.formation() != null && app.formation().size() > 1) {
            out.println("formation: " + formation(app.formation()));
        }
        if (app.running() && readyOfRelease(app) < app.instancesWanted()) {
            out.println("watch it settle with `skep ps " + app.app() + "`");
        }
    }

    /** "web=2 worker=1", in the API's order (web first). */
    static String formation(Map<String, Integer> formation) {
        return formation.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** ps for apps: one row each. */
    static void printApps(PrintWriter out, List<AppView> apps, Instant now) {
        Table table = new Table("APP", "RELEASE", "READY", "STATE", "PORTS", "UPTIME", "RESTARTS", "MEMORY");
        for (AppView app : apps) {
            List<InstanceView> instances = instances(app);
            String ports = instances.stream().map(InstanceView::port).filter(p -> p > 0).sorted().distinct()
                    .map(String::valueOf).collect(Collectors.joining(","));
            // the youngest ready instance: a recent restart shows here
            Instant youngest = instances.stream().filter(i -> READY.equals(i.state()))
                    .map(InstanceView::since).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
            int restarts = instances.stream().mapToInt(InstanceView::restarts).sum();
            boolean anyMemory = instances.stream().anyMatch(i -> i.memoryBytes() != null);
            long memory = instances.stream().map(InstanceView::memoryBytes).filter(Objects::nonNull)
                    .mapToLong(Long::longValue).sum();
            table.row(app.app(), Format.release(app.release()), readyOfRelease(app) + "/" + app.instancesWanted(),
                    app.state(), ports.isEmpty() ? null : ports, Format.uptime(youngest, now),
                    instances.isEmpty() ? null : restarts, anyMemory ? Format.bytes(memory) : null);
        }
        table.print(out);
    }

    /**
     * An instance's {@code since} is when it entered its state, which is its uptime only while it is ready (a
     * stopping or unhealthy instance showed "0s" as if it had just come up).
     */
    private static boolean serving(String state) {
        return InstanceState.READY.label().equals(state);
    }

    /** ps for one app's instances: one row each. */
    static void printInstances(PrintWriter out, List<InstanceView> instances, Instant now) {
        Table table = new Table("PROCESS", "INSTANCE", "RELEASE", "STATE", "HOST:PORT", "PID", "UPTIME", "RESTARTS",
                "MEMORY", "CPU", "LAST EXIT");
        for (InstanceView i : instances) {
            table.row(i.process() == null ? "web" : i.process(), i.instance(), Format.release(i.release()), i.state(),
                    i.port() > 0 ? i.host() + ":" + i.port() : i.host(), i.pid() > 0 ? i.pid() : null,
                    serving(i.state()) ? Format.uptime(i.since(), now) : null, i.restarts(),
                    i.memoryBytes() == null ? null : Format.bytes(i.memoryBytes()),
                    i.cpuPercent() == null ? null : String.format(Locale.ROOT, "%.1f%%", i.cpuPercent()),
                    i.lastExit());
        }
        table.print(out);
    }
}
