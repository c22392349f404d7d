// Run by sampler-overhead.sh: java -cp <monitor classes + deps> SamplerOverhead.java SECONDS PID...
// Measures the CPU (utime+stime of this whole JVM, from /proc/self/stat) spent while a MetricsSampler
// samples the given processes at the default interval, feeding history, Prometheus and the alert engine.

import dev.skep.model.AppId;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.monitor.metrics.MetricsHistory;
import dev.skep.monitor.metrics.MetricsSampler;
import dev.skep.monitor.metrics.ProcessSampler;
import dev.skep.monitor.metrics.PrometheusExport;
import dev.skep.monitor.metrics.SampleListener;
import dev.skep.monitor.rules.AlertEngine;
import dev.skep.monitor.rules.RuleSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

public class SamplerOverhead {

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        AppId app = new AppId("bench", "idle");
        List<InstanceStatus> instances = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            instances.add(new InstanceStatus(String.format("bench.idle.1.%06x", i), app, 1, "a", "h", 5000 + i,
                    Long.parseLong(args[i]), InstanceState.READY, Instant.now(), 0, null, null));
        }
        Clock clock = Clock.systemUTC();
        AtomicLong samples = new AtomicLong();
        AlertEngine engine = new AlertEngine(RuleSource.withDefaults(RuleSource.none()), Duration.ofMinutes(30),
                clock, alert -> { }, event -> { });
        PrometheusExport prometheus = new PrometheusExport();
        MetricsHistory history = new MetricsHistory(Duration.ofHours(1), MetricsSampler.DEFAULT_INTERVAL);
        SampleListener count = SampleListener.of(s -> samples.incrementAndGet());
        SampleListener rules = SampleListener.of(s -> engine.onSample(s.app(), s.instance(), s.metrics()));
        MetricsSampler sampler = new MetricsSampler(() -> instances, ProcessSampler.forThisHost(clock),
                MetricsSampler.DEFAULT_INTERVAL, clock, List.of(history, prometheus, rules, count));

        long ticksBefore = cpuTicks();
        long wallBefore = System.nanoTime();
        sampler.start();
        Thread.sleep(seconds * 1000L); // the measured window
        long ticksAfter = cpuTicks();
        long wallNanos = System.nanoTime() - wallBefore;
        sampler.close();
        prometheus.close();

        double cpuSeconds = (ticksAfter - ticksBefore) / 100.0; // CLK_TCK 100 on Linux
        double percent = cpuSeconds * 100.0 / (wallNanos / 1e9);
        int hostProcesses = ProcessSampler.forThisHost(clock).scan().size();
        System.out.printf("processes sampled: %d (host has %d), interval %ss, window %.1fs, samples %d%n",
                instances.size(), hostProcesses, MetricsSampler.DEFAULT_INTERVAL.toSeconds(), wallNanos / 1e9,
                samples.get());
        System.out.printf("JVM CPU in window: %.2f s = %.2f %% of one core (goal < 2 %%)%n", cpuSeconds, percent);
    }

    static long cpuTicks() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
