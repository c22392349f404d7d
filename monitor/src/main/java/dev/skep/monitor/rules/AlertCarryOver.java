package dev.skep.monitor.rules;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.skep.model.EventSink;
import dev.skep.monitor.support.MonitorJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Firing alerts across restarts of skep. The {@link AlertEngine} holds what fires in memory, so an alert that fired
 * before a restart was never resolved after it: its webhook's receiver or mail reader kept it open for good. Between
 * the engine and the reactors, this keeps the firing alerts in a file. After a start, one the engine fires again goes
 * on as a repeat of the old one (not a new incident), and those it has not fired again within {@link #GRACE} are
 * resolved, saying skep has not seen them since it restarted. The file is written by {@link #tick()} and
 * {@link #flush()}, not as alerts pass: the engine notifies under its lock, where listeners only queue.
 */
public final class AlertCarryOver implements AlertListener {

    private static final Logger log = LoggerFactory.getLogger(AlertCarryOver.class);
    /** Long enough for a condition that still holds to be judged again after a start (samples, ticks, events). */
    public static final Duration GRACE = Duration.ofMinutes(2);
    private static final TypeReference<List<Alert>> LIST = new TypeReference<>() { };

    private final Path file;
    private final AlertListener next;
    private final EventSink events;
    private final Clock clock;
    private final Instant resolveCarriedAt;
    private final Map<String, Alert> firing = new LinkedHashMap<>();
    /** What fired before this start and has not fired again since. */
    private final Map<String, Alert> carried = new LinkedHashMap<>();
    /** {@link #firing} changed since it was last written. */
    private boolean dirty;

    /**
     * @param file   where the firing alerts are kept (the monitor's own dir)
     * @param next   the reactors' dispatcher
     * @param events where a carried alert's resolution is recorded, as the engine records its own
     */
    public AlertCarryOver(Path file, AlertListener next, EventSink events, Clock clock) {
        this.file = file;
        this.next = next;
        this.events = events;
        this.clock = clock;
        this.resolveCarriedAt = clock.instant().plus(GRACE);
        for (Alert a : load(file)) {
            carried.put(key(a), a);
            firing.put(key(a), a);
        }
        if (!carried.isEmpty()) {
            log.info("event=alerts.carried count={} next=\"resolved in {} s unless they fire again\"", carried.size(),
                    GRACE.toSeconds());
        }
    }

    @Override
    public synchronized void onAlert(Alert alert) {
        String key = key(alert);
        Alert before = carried.remove(key);
        Alert out = alert;
        if (before != null && alert.status() == Alert.Status.FIRING) { // still holds: the receiver knows it already
            out = new Alert(alert.ruleId(), alert.kind(), alert.app(), alert.instance(), Alert.Status.REPEAT,
                    before.since(), alert.at(), alert.summary(), alert.reactors());
        }
        if (out.status() == Alert.Status.RESOLVED) {
            firing.remove(key);
        } else {
            firing.put(key, out);
        }
        dirty = true;
        next.onAlert(out);
    }

    /**
     * Writes what fires now if it changed, and resolves what fired before the start and has not fired again, once
     * {@link #GRACE} has passed. Called with every tick of the engine.
     */
    public synchronized void tick() {
        Instant now = clock.instant();
        if (carried.isEmpty() || now.isBefore(resolveCarriedAt)) {
            flush();
            return;
        }
        List<Alert> stale = new ArrayList<>(carried.values());
        carried.clear();
        for (Alert a : stale) {
            firing.remove(key(a));
        }
        dirty = true;
        flush();
        for (Alert a : stale) {
            Alert resolved = new Alert(a.ruleId(), a.kind(), a.app(), a.instance(), Alert.Status.RESOLVED, a.since(),
                    now, "resolved (not seen since skep restarted): " + a.summary(), a.reactors());
            log.info("event=alert.resolved rule={} app={} instance={} summary=\"{}\"", resolved.ruleId(),
                    resolved.appLabel(), resolved.instance(), resolved.summary());
            next.onAlert(resolved);
            events.emit(AlertEngine.toEvent(resolved));
        }
    }

    private static String key(Alert a) {
        return a.ruleId() + "|" + a.appLabel() + "|" + a.instance();
    }

    /** Writes what fires now, if it changed since the last write (also when the monitor stops). */
    public synchronized void flush() {
        if (!dirty) {
            return;
        }
        dirty = false;
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.createDirectories(file.getParent());
            Files.write(tmp, MonitorJson.mapper().writeValueAsBytes(List.copyOf(firing.values())));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) { // written again with the next change
            log.warn("event=alerts.save-failed file={} error=\"{}\" effect=\"alerts firing now may stay open after a "
                    + "restart\"", file, e.toString());
        }
    }

    private static List<Alert> load(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return MonitorJson.mapper().readValue(file.toFile(), LIST);
        } catch (IOException e) {
            log.warn("event=alerts.load-failed file={} error=\"{}\" effect=\"alerts that fired before the restart are "
                    + "not resolved here\"", file, e.toString());
            return List.of();
        }
    }
}
