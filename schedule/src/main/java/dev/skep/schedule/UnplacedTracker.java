package dev.skep.schedule;

import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each pass's {@link Unplaced} into something said: an {@code app.unplaced} event (and log line) once per app,
 * process type and reason, and the board the API reads. What lasts less than {@link #SETTLE} (no agent at all:
 * {@link #NO_AGENT_SETTLE}) is not said: at start the agents register a moment after the scheduler's first pass, and
 * that is no news. Worker thread only.
 */
final class UnplacedTracker {

    private static final Logger log = LoggerFactory.getLogger(UnplacedTracker.class);
    static final Duration SETTLE = Duration.ofSeconds(2);
    /**
     * No agent at all is given longer: in {@code skep server} the scheduler starts before the host's agent has
     * registered, and a slow start is no news either (the resync timer passes again meanwhile).
     */
    static final Duration NO_AGENT_SETTLE = Duration.ofSeconds(15);

    private record Key(AppId app, String type) {
    }

    private final EventSink events;
    private final UnplacedBoard board;
    private final Map<Key, Instant> firstSeen = new HashMap<>();
    private final Map<Key, String> said = new HashMap<>();
    private Map<AppId, List<Unplaced>> published; // null: nothing published since this process led

    UnplacedTracker(EventSink events, UnplacedBoard board) {
        this.events = events;
        this.board = board;
    }

    /** Takes one pass's unplaced instances; answers true when some wait out {@link #SETTLE} (pass again then). */
    boolean update(List<Unplaced> now, Instant at) {
        Map<Key, Unplaced> current = new HashMap<>();
        now.forEach(u -> current.put(new Key(u.app(), u.type()), u));
        firstSeen.keySet().retainAll(current.keySet());
        boolean waiting = false;
        Map<AppId, List<Unplaced>> settled = new TreeMap<>(Comparator.comparing(AppId::toString));
        for (Map.Entry<Key, Unplaced> e : current.entrySet()) {
            Instant since = firstSeen.computeIfAbsent(e.getKey(), k -> at);
            if (since.plus(e.getValue().reason().equals(Placer.NO_AGENT) ? NO_AGENT_SETTLE : SETTLE).isAfter(at)) {
                waiting = true;
                continue;
            }
            Unplaced u = e.getValue();
            settled.computeIfAbsent(u.app(), k -> new ArrayList<>()).add(u);
            if (!u.reason().equals(said.put(e.getKey(), u.reason()))) {
                log.warn("event=app.unplaced app={} process={} missing={} reason=\"{}\"", u.app(), u.type(),
                        u.missing(), u.reason());
                events.emit(new Event(at, EventTypes.APP_UNPLACED, u.app(), null, null, null,
                        u.missing() + " " + u.type() + " instance" + (u.missing() == 1 ? "" : "s") + " of " + u.app()
                                + " cannot be placed: " + u.reason(),
                        Map.of("process", u.type(), "missing", Integer.toString(u.missing()), "reason", u.reason())));
            }
        }
        said.keySet().removeIf(k -> {
            boolean placed = !current.containsKey(k);
            if (placed) {
                log.info("event=app.placed app={} process={}: the instances that could not be placed now are", k.app(),
                        k.type());
            }
            return placed;
        });
        settled.values().forEach(list -> list.sort(Comparator.comparing(Unplaced::type)));
        if (!Objects.equals(settled, published)) {
            board.publish(settled);
            published = settled;
        }
        return waiting;
    }

    /** Another process leads now: what it says is its own; a later lead publishes afresh. */
    void reset() {
        published = null;
        firstSeen.clear();
        said.clear();
    }
}
