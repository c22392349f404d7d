package dev.skep.monitor.rules;

import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Judges rules over what comes in (events, samples, heartbeats) and over time ({@link #tick()}), and turns
 * conditions into de-duplicated alerts, one per (rule, app, instance):
 *
 * <pre>
 *   quiet ──holds──> FIRING (notify) ──still holds, every repeat interval──> REPEAT (notify)
 *     ^                  │
 *     └───no longer holds┴──> RESOLVED (notify)
 * </pre>
 *
 * Every notification goes to the {@link AlertListener} (which must queue, not send) and becomes an
 * {@code alert.fired} / {@code alert.resolved} event. No threads and no I/O here: time comes from the injected
 * clock, so the whole state machine is tested with a fake one. Thread-safe: one lock;
 * notifications are made under it, in order, so listeners and the event sink must only queue.
 */
public final class AlertEngine {

    public static final Duration DEFAULT_REPEAT = Duration.ofMinutes(30);
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);

    private record Active(Instant since, Instant notified) {
    }

    private final RuleSource rules;
    private final Duration repeatEvery;
    private final Clock clock;
    private final AlertListener listener;
    private final EventSink events;
    private final Map<AlertKey, Track> tracks = new LinkedHashMap<>();
    /** Apps stopped for being idle (idle stop): their expiries are not tracked until they wake. */
    private final Set<AppId> sleeping = new HashSet<>();
    private final Map<AlertKey, Active> active = new LinkedHashMap<>();
    private final Consumer<Instant> deadlines;

    /**
     * @param rules       the rules per app, defaults included (see {@link RuleSource#withDefaults})
     * @param repeatEvery how often a holding alert is repeated
     */
    public AlertEngine(RuleSource rules, Duration repeatEvery, Clock clock, AlertListener listener, EventSink events) {
        this(rules, repeatEvery, clock, listener, events, deadline -> {
        });
    }

    /**
     * @param deadlines told the deadline of every expiry as it moves (last seen + T), so that its owner can call
     *                  {@link #tick()} right then rather than at the next periodic tick; called under the engine's
     *                  lock, must only schedule. {@link #nextExpiry()} says which deadline is next after a tick.
     */
    public AlertEngine(RuleSource rules, Duration repeatEvery, Clock clock, AlertListener listener, EventSink events,
                       Consumer<Instant> deadlines) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.repeatEvery = Rule.requirePositive("repeatEvery", repeatEvery, null);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.events = Objects.requireNonNull(events, "events");
        this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
    }

    /** Any event of any stage; the monitor's own (alert.*, reactor.*) are ignored. */
    public synchronized void onEvent(Event event) {
        if (event == null || MonitorEvents.isOwn(event.type())) {
            return;
        }
        if (EventTypes.INSTANCE_STOPPED.equals(event.type()) && event.app() != null && event.instance() != null) {
            onInstanceGone(event.app(), event.instance());
            return;
        }
        if (EventTypes.APP_SLEEPING.equals(event.type()) && event.app() != null) {
            onAppSleeping(event.app());
            return;
        }
        if ((EventTypes.APP_WOKE.equals(event.type()) || EventTypes.INSTANCE_READY.equals(event.type()))
                && event.app() != null) {
            sleeping.remove(event.app()); // its signals count again (a lost app.woke: its first ready instance)
        }
        pass((now, out) -> {
            for (Rule rule : rules.forApp(event.app())) {
                switch (rule) {
                    case EventRule r -> {
                        AlertKey key = key(r, r.per(), event.app(), subject(event));
                        if (Rule.typeMatches(r.eventType(), event.type())) {
                            track(key, k -> new Track.Event(r), Track.Event.class).hit(now, event.message(),
                                    event.instance(), event.release());
                            judge(key, now, out);
                        } else if (Rule.typeMatches(r.resolveOn(), event.type())) {
                            clearEventRule(r, event, now, out);
                        }
                    }
                    case RateRule r -> {
                        if (Rule.typeMatches(r.eventType(), event.type())) {
                            AlertKey key = key(r, r.per(), event.app(), subject(event));
                            track(key, k -> new Track.Rate(r), Track.Rate.class).add(now);
                            judge(key, now, out);
                        }
                    }
                    case ExpireRule r -> {
                    }
                    case ThresholdRule r -> {
                    }
                    case OffRule r -> {
                    }
                }
            }
        });
    }

    /**
     * Metric figures of one subject: an instance's sample, or app-wide figures with {@code instance == null}
     * (router latencies, 5xx rate).
     */
    public synchronized void onSample(AppId app, String instance, Map<String, Double> metrics) {
        pass((now, out) -> {
            for (Rule rule : rules.forApp(app)) {
                if (rule instanceof ThresholdRule r && metrics.containsKey(r.metric())) {
                    AlertKey key = new AlertKey(r.id(), app, instance);
                    track(key, k -> new Track.Threshold(r), Track.Threshold.class).observe(metrics.get(r.metric()), now);
                    judge(key, now, out);
                } else if (rule instanceof ExpireRule r && r.signal() == ExpireRule.Signal.SAMPLE) {
                    seen(r, app, instance, now, out);
                }
            }
        });
    }

    /** A valid heartbeat from an instance (the {@code HeartbeatRegistry} checked the secret). */
    public synchronized void onHeartbeat(AppId app, String instance) {
        pass((now, out) -> {
            for (Rule rule : rules.forApp(app)) {
                if (rule instanceof ExpireRule r && r.signal() == ExpireRule.Signal.HEARTBEAT) {
                    seen(r, app, instance, now, out);
                }
            }
        });
    }

    /** The instance stopped on purpose or moved: forget it; its open alerts resolve. */
    public synchronized void onInstanceGone(AppId app, String instance) {
        forget((key, track) -> Objects.equals(key.app(), app) && Objects.equals(key.instance(), instance),
                "instance stopped");
    }

    /**
     * The app was stopped for being idle (idle stop): no heartbeat or sample is missing, so its expiries (per
     * instance and per app) are forgotten, their open alerts resolved; they start again with the first signal
     * after it wakes.
     */
    public synchronized void onAppSleeping(AppId app) {
        sleeping.add(app);
        forget((key, track) -> Objects.equals(key.app(), app) && track instanceof Track.Expire, "app sleeping");
    }

    /** Re-judges every condition at the clock's now: expiries, repeats, quiet periods. Call every few seconds. */
    public synchronized void tick() {
        pass((now, out) -> {
            Map<AppId, Map<String, Rule>> current = new HashMap<>();
            Iterator<Map.Entry<AlertKey, Track>> it = tracks.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<AlertKey, Track> e = it.next();
                AlertKey key = e.getKey();
                Rule now_ = current.computeIfAbsent(key.app(), this::rulesById).get(key.ruleId());
                if (now_ instanceof ExpireRule changed && e.getValue() instanceof Track.Expire expire
                        && !changed.equals(expire.rule()) && changed.signal() == expire.rule().signal()
                        && changed.per() == expire.rule().per()) {
                    Track.Expire moved = expire.withRule(changed); // a new T for the same signal: the silence goes on
                    e.setValue(moved);
                    deadlines.accept(moved.deadline());
                }
                if (now_ == null || !now_.equals(e.getValue().rule())) {
                    resolveIfActive(key, e.getValue(), now, "rule changed or removed", out);
                    it.remove();
                    continue;
                }
                judge(key, e.getValue(), now, out);
                if (!active.containsKey(key) && e.getValue().idle(now)) {
                    it.remove();
                }
            }
        });
    }

    /** The earliest deadline of an expiry that is not firing yet, if any: when a {@link #tick()} should run. */
    public synchronized Optional<Instant> nextExpiry() {
        Instant next = null;
        for (Map.Entry<AlertKey, Track> e : tracks.entrySet()) {
            if (e.getValue() instanceof Track.Expire expire && !active.containsKey(e.getKey())
                    && (next == null || expire.deadline().isBefore(next))) {
                next = expire.deadline();
            }
        }
        return Optional.ofNullable(next);
    }

    /** The alerts holding now. */
    public synchronized List<Alert> active() {
        Instant now = clock.instant();
        List<Alert> out = new ArrayList<>();
        active.forEach((key, a) -> {
            Track t = tracks.get(key);
            if (t != null) {
                out.add(alert(key, t, Alert.Status.FIRING, a.since(), now, t.describe(key, now)));
            }
        });
        return out;
    }

    private Map<String, Rule> rulesById(AppId app) {
        Map<String, Rule> byId = new HashMap<>();
        for (Rule rule : rules.forApp(app)) {
            byId.put(rule.id(), rule);
        }
        return byId;
    }

    private void seen(ExpireRule r, AppId app, String instance, Instant now, List<Alert> out) {
        if (sleeping.contains(app)) {
            return; // a last sample or beat of an instance going to sleep must not start a silence that alerts
        }
        AlertKey key = key(r, r.per(), app, instance);
        Track.Expire expire = track(key, k -> new Track.Expire(r, now), Track.Expire.class);
        expire.seen(now);
        judge(key, now, out);
        deadlines.accept(expire.deadline());
    }

    private void clearEventRule(EventRule r, Event event, Instant now, List<Alert> out) {
        AlertKey key = key(r, r.per(), event.app(), subject(event));
        Track t = tracks.get(key);
        if (t instanceof Track.Event e) {
            resolveIfActive(key, t, now, event.type(), out);
            e.clear();
        }
    }

    private static AlertKey key(Rule rule, Scope per, AppId app, String subject) {
        return new AlertKey(rule.id(), app, per == Scope.APP && app != null ? null : subject);
    }

    /** An event's subject: its instance, or its host for events of no instance (agents). */
    private static String subject(Event event) {
        return event.instance() != null ? event.instance() : event.host();
    }

    private <T extends Track> T track(AlertKey key, Function<AlertKey, T> create, Class<T> type) {
        Track existing = tracks.get(key);
        if (type.isInstance(existing) && existing.rule().equals(create.apply(key).rule())) {
            return type.cast(existing);
        }
        T fresh = create.apply(key);
        tracks.put(key, fresh);
        return fresh;
    }

    private void judge(AlertKey key, Instant now, List<Alert> out) {
        judge(key, tracks.get(key), now, out);
    }

    private void judge(AlertKey key, Track track, Instant now, List<Alert> out) {
        Active was = active.get(key);
        boolean holds = track.holding(now);
        if (holds && was == null) {
            Instant since = track.holdingSince(now);
            active.put(key, new Active(since, now));
            out.add(alert(key, track, Alert.Status.FIRING, since, now, track.describe(key, now)));
        } else if (holds && !now.isBefore(was.notified().plus(repeatEvery))) {
            active.put(key, new Active(was.since(), now));
            out.add(alert(key, track, Alert.Status.REPEAT, was.since(), now, track.describe(key, now)));
        } else if (!holds && was != null) {
            active.remove(key);
            out.add(alert(key, track, Alert.Status.RESOLVED, was.since(), now, "resolved: " + track.describe(key, now)));
        }
    }

    private void resolveIfActive(AlertKey key, Track track, Instant now, String why, List<Alert> out) {
        Active was = active.remove(key);
        if (was != null) {
            out.add(alert(key, track, Alert.Status.RESOLVED, was.since(), now,
                    "resolved (" + why + "): " + track.describe(key, now)));
        }
    }

    private static Alert alert(AlertKey key, Track track, Alert.Status status, Instant since, Instant at,
                               String summary) {
        Rule rule = track.rule();
        return new Alert(rule.id(), rule.kind(), key.app(), key.instance(), status, since, at, summary,
                rule.reactors());
    }

    /**
     * One signal's pass at the clock's now: {@code body} judges and adds what fires or resolves to its list, which is
     * then published (still under the engine's lock, which every caller holds).
     */
    /** Drops the tracks {@code which} picks; their open alerts resolve, saying {@code why}. */
    private void forget(BiPredicate<AlertKey, Track> which, String why) {
        pass((now, out) -> {
            Iterator<Map.Entry<AlertKey, Track>> it = tracks.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<AlertKey, Track> e = it.next();
                if (which.test(e.getKey(), e.getValue())) {
                    resolveIfActive(e.getKey(), e.getValue(), now, why, out);
                    it.remove();
                }
            }
        });
    }

    private void pass(BiConsumer<Instant, List<Alert>> body) {
        List<Alert> out = new ArrayList<>();
        body.accept(clock.instant(), out);
        publish(out);
    }

    private void publish(List<Alert> out) {
        for (Alert alert : out) {
            LOG.info("event=alert.{} rule={} app={} instance={} summary=\"{}\"", alert.status().name().toLowerCase(),
                    alert.ruleId(), alert.appLabel(), alert.instance(), alert.summary());
            try {
                listener.onAlert(alert);
            } catch (RuntimeException e) {
                LOG.warn("event=alert.listener-failed rule={} app={} error=\"{}\"", alert.ruleId(), alert.appLabel(),
                        e.toString());
            }
            events.emit(toEvent(alert));
        }
    }

    /** The event log's record of a notification (alert.fired or alert.resolved). */
    static Event toEvent(Alert alert) {
        String type = alert.status() == Alert.Status.RESOLVED ? MonitorEvents.ALERT_RESOLVED : MonitorEvents.ALERT_FIRED;
        Map<String, String> data = new LinkedHashMap<>();
        data.put("rule", alert.ruleId());
        data.put("kind", alert.kind());
        data.put("status", alert.status().name().toLowerCase());
        data.put("since", alert.since().toString());
        return new Event(alert.at(), type, alert.app(), null, alert.instance(), null, alert.summary(), data);
    }
}
