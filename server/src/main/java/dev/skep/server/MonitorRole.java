package dev.skep.server;

import dev.skep.api.AppCommands;
import dev.skep.api.AppViews;
import dev.skep.api.Bodies;
import dev.skep.api.Follows;
import dev.skep.api.HealthSettings;
import dev.skep.api.Routes;
import dev.skep.api.v1.AlertRoutes;
import dev.skep.api.v1.EventRoutes;
import dev.skep.api.v1.HealthRoutes;
import dev.skep.api.v1.HeartbeatRoutes;
import dev.skep.api.v1.MetricsRoutes;
import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.ChangeFeed;
import dev.skep.model.EventSink;
import dev.skep.model.InstanceIds;
import dev.skep.model.TrafficCounts;
import dev.skep.monitor.Monitor;
import dev.skep.monitor.MonitorConfig;
import dev.skep.monitor.metrics.InstanceSample;
import dev.skep.monitor.metrics.InstanceSource;
import dev.skep.monitor.metrics.TrafficRates;
import dev.skep.monitor.react.AppWebhooks;
import dev.skep.monitor.react.LogReactor;
import dev.skep.monitor.react.LogTail;
import dev.skep.monitor.react.MailReactor;
import dev.skep.monitor.react.Reactor;
import dev.skep.monitor.react.RetryPolicy;
import dev.skep.monitor.react.TestAlert;
import dev.skep.monitor.rules.AlertEngine;
import dev.skep.monitor.settings.AlertSettingsStore;
import dev.skep.monitor.settings.AppAlerts;
import dev.skep.supervise.AgentHooks;
import dev.skep.supervise.LogReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor in `skep server`: builds and starts {@link Monitor} with this install's reactors, rules and keys,
 * lends the agent its hooks (heartbeat env, health checks), and gives the API its routes. Started right after
 * the state, so every later stage's events reach the event log; closed after them.
 */
final class MonitorRole implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MonitorRole.class);

    private final Monitor monitor;
    private final MonitorSecrets secrets;
    private final AlertSettingsStore alerts;
    private final HealthSettings health;
    private final MonitorOptions options;
    private final List<Reactor> reactors;
    private final AutoCloseable invalidation;
    private final Clock clock;
    private final Local local;
    private final TrafficRates traffic;

    /**
     * What this host lends the monitor, all there before it starts.
     *
     * @param instances what this host's agent runs, sampled every interval: its own list, not the state (which
     *                  would be a ZooKeeper read per instance)
     * @param logs      the agent's logs, which alert mails quote
     * @param router    this host's router, whose counters become the apps' request rates
     * @param api       where apps reach the API for heartbeats
     */
    record Local(InstanceSource instances, LogReader logs, TrafficCounts router, ApiAddress api) {
    }

    private MonitorRole(Monitor monitor, MonitorSecrets secrets, AlertSettingsStore alerts, HealthSettings health,
                        MonitorOptions options, List<Reactor> reactors, AutoCloseable invalidation, Clock clock,
                        Local local) {
        this.monitor = monitor;
        this.secrets = secrets;
        this.alerts = alerts;
        this.health = health;
        this.options = options;
        this.reactors = reactors;
        this.invalidation = invalidation;
        this.clock = clock;
        this.local = local;
        this.traffic = new TrafficRates(local.router(), monitor.alerts(), monitor.prometheus().registry(),
                options.tick());
    }

    static MonitorRole start(Path data, MonitorOptions options, ChangeFeed changes, AppDocuments documents,
                             Local local, Clock clock) throws IOException {
        MonitorSecrets secrets = MonitorSecrets.load(data.resolve("monitor"));
        AlertSettingsStore alerts = new AlertSettingsStore(documents, options.webhookTargets());
        HealthSettings health = new HealthSettings(documents);
        LogTail tail = (app, instance, lines) -> lastLines(local.logs(), app, instance, lines);
        MonitorConfig config = MonitorConfig.defaults(SkepServer.privateDir(data.resolve("events")),
                        secrets.heartbeatKey())
                .withTiming(options.sampleInterval(), options.tick(), AlertEngine.DEFAULT_REPEAT,
                        RetryPolicy.defaults());
        List<Reactor> reactors = new ArrayList<>();
        // the webhook reactor reports its deliveries to the monitor's own event log, which the monitor makes
        Monitor monitor = Monitor.start(config, local.instances(), app -> alerts.cached(app).rules(), ownEvents -> {
            reactors.add(new LogReactor());
            if (options.mail() != null) {
                reactors.add(new MailReactor(options.mail(), app -> mailTo(alerts, options, app), tail, clock));
            }
            reactors.add(new AppWebhooks(app -> webhooksOf(alerts, options, app), secrets::webhookSigningKey,
                    options.dashboardUrl(), options.webhookTargets(), RetryPolicy.defaults(), ownEvents, clock));
            return List.copyOf(reactors);
        }, clock);
        AutoCloseable invalidation = changes.onChange(() -> {
            alerts.invalidate();
            health.invalidate();
        });
        MonitorRole role = new MonitorRole(monitor, secrets, alerts, health, options, reactors, invalidation, clock,
                local);
        log.info("event=monitor.wired mail={} alert_mail={} webhooks={} app_webhooks_reach={} interval={}",
                options.mail() == null ? "off" : options.mail(), options.alertMail().size(), options.webhooks().size(),
                options.webhookTargets(), options.tick());
        return role;
    }

    /** Events go to the event log (kept, queried, judged) and to {@code also} (the operator's log). */
    EventSink events(EventSink also) {
        return event -> {
            also.emit(event);
            monitor.events().emit(event);
        };
    }

    /** What the agent needs from the monitor and the app settings. */
    AgentHooks agentHooks() {
        return new AgentHooks(instance -> monitor.heartbeats().environment(instance, local.api().base()),
                health::cached);
    }

    /** The latest memory and CPU of an instance of this host, for `skep ps`. */
    AppViews.Usage usage(String instance) {
        List<InstanceSample> samples = monitor.history().history(instance);
        if (samples.isEmpty()) {
            return null;
        }
        InstanceSample last = samples.getLast();
        return new AppViews.Usage(last.rssBytes(), Math.round(last.cpuPercent() * 10) / 10.0);
    }

    List<Routes> routes(AppCommands commands, AppViews views, Bodies bodies, Follows follows) {
        return List.of(
                new HeartbeatRoutes(monitor.heartbeats()),
                new EventRoutes(monitor.events(), clock, follows),
                new MetricsRoutes(monitor.prometheus(), monitor.history(), commands, views,
                        traffic::of, traffic::ofInstance),
                new AlertRoutes(alerts, commands, bodies, this::test, app -> secrets.webhookSecret(app),
                        options.mail() != null),
                new HealthRoutes(health, commands));
    }

    HealthSettings health() {
        return health;
    }

    private Map<String, String> test(AppId app) {
        return TestAlert.send(app, reactors, reactor -> switch (reactor) {
            case "mail" -> mailTo(alerts, options, app);
            case "webhook" -> webhooksOf(alerts, options, app).stream()
                    .map(t -> t.trusted() ? "the install's webhooks" : t.url().getScheme() + "://"
                            + t.url().getAuthority() + t.url().getPath()).distinct().toList();
            default -> null;
        }, clock);
    }

    private static List<String> mailTo(AlertSettingsStore alerts, MonitorOptions options, AppId app) {
        AppAlerts own = alerts.cached(app);
        return own.mail().isEmpty() ? options.alertMail() : own.mail();
    }

    /** The app's own webhooks, or else the admin's install-wide ones (trusted: they may be internal). */
    private static List<AppWebhooks.Target> webhooksOf(AlertSettingsStore alerts, MonitorOptions options, AppId app) {
        AppAlerts own = alerts.cached(app);
        if (own.webhooks().isEmpty()) {
            return options.webhooks().stream().map(u -> new AppWebhooks.Target(u, true)).toList();
        }
        return own.webhooks().stream().map(u -> new AppWebhooks.Target(u, false)).toList();
    }

    private static List<String> lastLines(LogReader reader, AppId app, String instance, int lines) {
        if (app == null) {
            return List.of();
        }
        try {
            if (instance != null && InstanceIds.isValid(instance)) {
                return reader.tail(instance, lines);
            }
            return reader.tail(app, lines);
        } catch (IOException | RuntimeException e) {
            return List.of("(log lines unavailable: " + e.getMessage() + ")");
        }
    }

    @Override
    public void close() throws Exception {
        invalidation.close();
        traffic.close();
        monitor.close();
    }
}
