package dev.skep.monitor.metrics;

import dev.skep.model.AppId;
import dev.skep.model.InstanceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every {@code interval} (5 s by default) asks the {@link InstanceSource} for this host's instances, samples
 * each one's process tree with one {@code /proc} scan (and its cgroup's memory, where it has one), and hands the samples to its listeners (history,
 * Prometheus, the alert engine). Instances that left the list are reported {@link SampleListener#gone gone}.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once. {@link #sampleOnce()} runs one round on the
 * caller's thread (tests, benchmarks); rounds never overlap.
 */
public final class MetricsSampler implements AutoCloseable {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(MetricsSampler.class);
    private static final CgroupMemory.Figures NO_CGROUP = new CgroupMemory.Figures(-1, -1);

    private record Seen(AppId app, TreeSample tree) {
    }

    private final InstanceSource source;
    private final ProcessSampler sampler;
    private final CgroupMemory cgroups;
    private final Duration interval;
    private final Clock clock;
    private final List<SampleListener> listeners;
    private final Map<String, Seen> previous = new HashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("metrics-sampler").factory());

    /** Without cgroup figures (tests, benchmarks). */
    public MetricsSampler(InstanceSource source, ProcessSampler sampler, Duration interval, Clock clock,
                          List<SampleListener> listeners) {
        this(source, sampler, new CgroupMemory(Path.of("/proc"), null, null), interval, clock, listeners);
    }

    /** @param cgroups reads the memory of the cgroup an instance runs in, where it has one of its own */
    public MetricsSampler(InstanceSource source, ProcessSampler sampler, CgroupMemory cgroups, Duration interval,
                          Clock clock, List<SampleListener> listeners) {
        this.source = Objects.requireNonNull(source, "source");
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.cgroups = Objects.requireNonNull(cgroups, "cgroups");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listeners = List.copyOf(listeners);
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be > 0, found " + interval);
        }
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            sampleOnce();
        } catch (RuntimeException e) {
            LOG.warn("event=metrics.round-failed error=\"{}\" next=\"again in {}\"", e.toString(), interval);
        }
    }

    /** One round: samples every listed instance whose process is alive, returns what was sampled. */
    public synchronized List<InstanceSample> sampleOnce() {
        List<InstanceStatus> listed = source.instances();
        ProcessTable table = listed.isEmpty() ? new ProcessTable(Map.of()) : sampler.scan();
        Instant now = clock.instant();
        List<InstanceSample> out = new ArrayList<>(listed.size());
        Map<String, Seen> seen = new HashMap<>();
        for (InstanceStatus status : listed) {
            if (status.pid() <= 0) {
                continue;
            }
            TreeSample tree = sampler.tree(table, status.pid());
            if (tree.processes() == 0) {
                continue; // exited since the agent wrote its status
            }
            Seen before = previous.get(status.instance());
            double cpu = before != null && before.tree().rootPid() == tree.rootPid()
                    ? sampler.cpuPercent(before.tree(), tree) : 0;
            long uptime = status.since() == null ? 0 : Math.max(0, Duration.between(status.since(), now).toSeconds());
            CgroupMemory.Figures memory = cgroups.read(status.instance(), status.pid()).orElse(NO_CGROUP);
            out.add(new InstanceSample(now, status.app(), status.instance(), status.pid(), tree.processes(), cpu,
                    tree.rssBytes(), tree.openFiles(), status.restarts(), uptime, memory.usageBytes(),
                    memory.limitBytes()));
            seen.put(status.instance(), new Seen(status.app(), tree));
        }
        Set<String> listedIds = new HashSet<>();
        listed.forEach(s -> listedIds.add(s.instance()));
        for (Map.Entry<String, Seen> old : previous.entrySet()) {
            if (!listedIds.contains(old.getKey())) {
                notifyGone(old.getValue().app(), old.getKey());
            }
        }
        previous.keySet().retainAll(listedIds);
        previous.putAll(seen);
        for (InstanceSample sample : out) {
            for (SampleListener listener : listeners) {
                try {
                    listener.sample(sample);
                } catch (RuntimeException e) {
                    LOG.warn("event=metrics.listener-failed app={} instance={} error=\"{}\"", sample.app(), sample.instance(),
                            e.toString());
                }
            }
        }
        return out;
    }

    private void notifyGone(AppId app, String instance) {
        cgroups.forget(instance);
        for (SampleListener listener : listeners) {
            try {
                listener.gone(app, instance);
            } catch (RuntimeException e) {
                LOG.warn("event=metrics.listener-failed app={} instance={} gone=true error=\"{}\"", app, instance, e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("event=metrics.stop-timeout after=5s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
