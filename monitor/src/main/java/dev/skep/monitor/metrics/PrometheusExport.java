package dev.skep.monitor.metrics;

import dev.skep.model.AppId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus text for {@code /metrics}: one gauge family per instance figure, labelled {@code app} and
 * {@code instance} (its cgroup's memory use and limit too, where it runs in one), plus the JVM and process
 * metrics of skep itself. Gauges read the latest sample; an instance that is {@link #gone} loses its series.
 */
public final class PrometheusExport implements SampleListener, AutoCloseable {

    /** One instance's gauges; {@code meters} grows when a later sample brings a figure the first lacked. */
    private record Series(AtomicReference<InstanceSample> latest, Tags tags, Set<Meter> meters) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    public PrometheusExport() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    @Override
    public void sample(InstanceSample sample) {
        Series one = series.computeIfAbsent(sample.instance(), id -> register(sample));
        one.latest().set(sample);
        addCgroupGauges(one, sample);
    }

    @Override
    public void gone(AppId app, String instance) {
        Series gone = series.remove(instance);
        if (gone != null) {
            gone.meters().forEach(registry::remove);
        }
    }

    /** The text exposition format, version 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    /** For other components of skep that want to add their own meters (router latencies ...). */
    public MeterRegistry registry() {
        return registry;
    }

    private Series register(InstanceSample first) {
        AtomicReference<InstanceSample> latest = new AtomicReference<>(first);
        Tags tags = Tags.of("app", first.app().toString(), "instance", first.instance());
        Set<Meter> meters = ConcurrentHashMap.newKeySet();
        meters.addAll(List.of(
                gauge("skep.instance.cpu", "percent", "CPU use of the instance's process tree, % of one core",
                        tags, latest, InstanceSample::cpuPercent),
                gauge("skep.instance.resident.memory", BaseUnits.BYTES,
                        "Resident memory of the instance's process tree", tags, latest, InstanceSample::rssBytes),
                gauge("skep.instance.open.files", BaseUnits.FILES,
                        "Open file descriptors of the instance's process tree", tags, latest,
                        InstanceSample::openFiles),
                gauge("skep.instance.processes", null, "Processes in the instance's tree", tags, latest,
                        InstanceSample::processes),
                gauge("skep.instance.restarts", null, "Restarts of the instance so far", tags, latest,
                        InstanceSample::restarts),
                gauge("skep.instance.uptime", "seconds", "Time since the instance's process started",
                        tags, latest, InstanceSample::uptimeSeconds)));
        return new Series(latest, tags, meters);
    }

    /**
     * The cgroup's figures, from the first sample that has them: a sample taken before the instance's cgroup
     * showed has none, and registering only from the first sample lost them for the instance's whole life.
     */
    private void addCgroupGauges(Series one, InstanceSample sample) {
        // once each: registering again hands back the same gauge, but Micrometer warns of it
        if (sample.cgroupMemoryBytes() >= 0 && !has(one, "skep.instance.cgroup.memory.usage")) {
            one.meters().add(gauge("skep.instance.cgroup.memory.usage", BaseUnits.BYTES,
                    "Memory use of the instance's cgroup, page cache included", one.tags(), one.latest(),
                    InstanceSample::cgroupMemoryBytes));
        }
        if (sample.cgroupMemoryLimitBytes() > 0 && !has(one, "skep.instance.cgroup.memory.limit")) {
            one.meters().add(gauge("skep.instance.cgroup.memory.limit", BaseUnits.BYTES,
                    "Memory limit of the instance's cgroup", one.tags(), one.latest(),
                    InstanceSample::cgroupMemoryLimitBytes));
        }
    }

    private static boolean has(Series one, String name) {
        return one.meters().stream().anyMatch(m -> m.getId().getName().equals(name));
    }

    private Meter gauge(String name, String unit, String help, Tags tags, AtomicReference<InstanceSample> latest,
                        ToDoubleFunction<InstanceSample> figure) {
        return Gauge.builder(name, latest, ref -> figure.applyAsDouble(ref.get()))
                .description(help).baseUnit(unit).tags(tags).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
