package dev.skep.monitor;

import dev.skep.model.AppId;
import dev.skep.model.EventSink;
import dev.skep.monitor.events.EventLog;
import dev.skep.monitor.events.Subscription;
import dev.skep.monitor.heartbeat.HeartbeatRegistry;
import dev.skep.monitor.metrics.CgroupMemory;
import dev.skep.monitor.metrics.InstanceSample;
import dev.skep.monitor.metrics.InstanceSource;
import dev.skep.monitor.metrics.MetricsHistory;
import dev.skep.monitor.metrics.MetricsSampler;
import dev.skep.monitor.metrics.ProcessSampler;
import dev.skep.monitor.metrics.PrometheusExport;
import dev.skep.monitor.metrics.SampleListener;
import dev.skep.monitor.react.Reactor;
import dev.skep.monitor.react.ReactorDispatcher;
import dev.skep.monitor.rules.AlertCarryOver;
import dev.skep.monitor.rules.AlertEngine;
import dev.skep.monitor.rules.MonitorEvents;
import dev.skep.monitor.rules.RuleSource;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The monitor, assembled: the one place its parts are wired, started and stopped (the composition root calls
 * {@link #start} and {@link #close}). Data flow:
 *
 * <pre>
 *  stages ──emit──> EventLog ──subscribe──> AlertEngine ──> ReactorDispatcher ──> mail, webhook, log
 *  MetricsSampler ──> MetricsHistory, PrometheusExport, AlertEngine.onSample
 *  POST /v1/heartbeat ──> HeartbeatRegistry ──> AlertEngine.onHeartbeat
 *  ticker (every tickInterval, and at each expiry's deadline) ──> AlertEngine.tick
 *  AlertEngine, dispatcher ──emit──> EventLog
 * </pre>
 */
public final class Monitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

    private final EventLog events;
    private final ReactorDispatcher dispatcher;
    private final AlertEngine engine;
    private final Subscription engineFeed;
    private final HeartbeatRegistry heartbeats;
    private final MetricsHistory history;
    private final PrometheusExport prometheus;
    private final MetricsSampler sampler;
    private final ScheduledExecutorService ticker;
    private final List<String> reactorNames;
    /** Beside the event log: the alerts firing now, read again after a restart. */
    static final String FIRING_FILE = "alerts-firing.json";
    private final AlertCarryOver carryOver;

    private Monitor(MonitorConfig config, InstanceSource instances, RuleSource rules,
                    Function<EventSink, List<Reactor>> reactorsOf, Clock clock) {
        this.events = new EventLog(config.events(), clock);
        List<Reactor> reactors = reactorsOf.apply(events);
        this.reactorNames = reactors.stream().map(Reactor::name).toList();
        this.dispatcher = new ReactorDispatcher(reactors, config.retry(), config.reactorQueue(), events, clock);
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("alert-ticker").factory());
        DeadlineTicks deadlines = new DeadlineTicks(ticker, clock, this::tick, this::nextExpiry);
        // the firing alerts outlive a restart: those that no longer hold are resolved after it
        this.carryOver = new AlertCarryOver(config.events().dir().resolve(FIRING_FILE), dispatcher, events, clock);
        this.engine = new AlertEngine(RuleSource.withDefaults(rules), config.repeatEvery(), clock, carryOver, events,
                deadlines::at);
        this.engineFeed = events.subscribe(e -> !MonitorEvents.isOwn(e.type()), engine::onEvent);
        this.heartbeats = new HeartbeatRegistry(config.heartbeatKey(), engine::onHeartbeat);
        this.history = new MetricsHistory(Duration.ofHours(1), config.sampleInterval());
        this.prometheus = new PrometheusExport();
        this.sampler = new MetricsSampler(instances, ProcessSampler.forThisHost(clock), CgroupMemory.forThisHost(),
                config.sampleInterval(), clock, List.of(history, prometheus, toEngine(engine)));
    }

    /**
     * Builds and starts the monitor.
     *
     * @param rules    the apps' own rules; the defaults are added (see {@link RuleSource#withDefaults})
     * @param reactors e.g. {@code MailReactor}, {@code WebhookReactor}, {@code LogReactor}
     */
    public static Monitor start(MonitorConfig config, InstanceSource instances, RuleSource rules,
                                List<Reactor> reactors, Clock clock) {
        return start(config, instances, rules, events -> reactors, clock);
    }

    /**
     * Builds and starts the monitor with reactors that report to its own event log (a webhook's delivery
     * failures, say): {@code reactors} receives that log before the monitor starts.
     */
    public static Monitor start(MonitorConfig config, InstanceSource instances, RuleSource rules,
                                Function<EventSink, List<Reactor>> reactors, Clock clock) {
        Monitor monitor = new Monitor(config, instances, rules, reactors, clock);
        monitor.sampler.start();
        long tick = config.tickInterval().toMillis();
        monitor.ticker.scheduleWithFixedDelay(monitor::tick, tick, tick, TimeUnit.MILLISECONDS);
        LOG.info("event=monitor.started sample_every={} judge_every={} reactors={}", config.sampleInterval(),
                config.tickInterval(), monitor.reactorNames);
        return monitor;
    }

    private void tick() {
        try {
            engine.tick();
            carryOver.tick();
        } catch (RuntimeException e) {
            LOG.error("event=alert.tick-failed error=\"{}\" next=\"the next tick\"", e.toString(), e);
        }
    }

    private Optional<Instant> nextExpiry() {
        return engine.nextExpiry();
    }

    private static SampleListener toEngine(AlertEngine engine) {
        return new SampleListener() {
            @Override
            public void sample(InstanceSample s) {
                engine.onSample(s.app(), s.instance(), s.metrics());
            }

            @Override
            public void gone(AppId app, String instance) {
                engine.onInstanceGone(app, instance);
            }
        };
    }

    /** The {@code EventSink} to hand to every stage; also queries and live subscriptions. */
    public EventLog events() {
        return events;
    }

    public AlertEngine alerts() {
        return engine;
    }

    public HeartbeatRegistry heartbeats() {
        return heartbeats;
    }

    public MetricsHistory history() {
        return history;
    }

    public PrometheusExport prometheus() {
        return prometheus;
    }

    public MetricsSampler sampler() {
        return sampler;
    }

    public ReactorDispatcher reactors() {
        return dispatcher;
    }

    /** Stops in reverse order of the flow: no new inputs, then the engine's feed, reactors, and the log last. */
    @Override
    public void close() {
        sampler.close();
        ticker.shutdownNow();
        engineFeed.close();
        carryOver.flush(); // what fires now, for the next start
        dispatcher.close();
        prometheus.close();
        events.close();
        LOG.info("event=monitor.stopped");
    }
}
