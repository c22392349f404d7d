package dev.skep.schedule;

import dev.skep.model.Assignment;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's own assignment writes that the watch-fed snapshot may not show yet: without them a quick second
 * pass would place an instance twice or withdraw one twice. The snapshot can lag by seconds while thousands of
 * writes are under way (3,000 apps seeded at once, bench/cluster/scale.sh), so two rules matter:
 * <ul>
 *   <li>patience is counted from when a write was made, not from when the pass that planned it began: a pass that
 *   wrote for 37 s had its first placements forgotten at once, and 199 instances were placed twice;</li>
 *   <li>a placement withdrawn before any snapshot showed it is forgotten as a placement: kept, it came back once the
 *   withdrawal was seen and was withdrawn again on every pass for the whole patience (3,942 withdrawals of 163
 *   instances, passes of 2-4 s instead of 0.1 s).</li>
 * </ul>
 * Worker thread only.
 */
final class OwnWrites {

    /** A write not seen this long after it was made is not coming (its session's writes were lost, say). */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private record Placed(Assignment assignment, Instant at) {
    }

    /** @param shown a snapshot has shown the assignment since (or before) it was withdrawn */
    private record Withdrawn(Instant at, boolean shown) {
    }

    private final Map<String, Placed> placed = new HashMap<>();
    private final Map<String, Withdrawn> withdrawn = new HashMap<>();

    /** {@code a} was written at {@code at}. */
    void placed(Assignment a, Instant at) {
        placed.put(a.instance(), new Placed(a, at));
        withdrawn.remove(a.instance());
    }

    /** {@code a} was deleted at {@code at}. */
    void withdrew(Assignment a, Instant at) {
        // our own placement that no snapshot showed yet: its absence from the next one proves nothing
        boolean unshown = placed.remove(a.instance()) != null;
        withdrawn.put(a.instance(), new Withdrawn(at, !unshown));
    }

    /** The snapshot's assignments corrected by the writes it does not reflect yet, as of {@code now}. */
    List<Assignment> correct(List<Assignment> seen, Instant now) {
        Map<String, Assignment> byId = new LinkedHashMap<>();
        seen.forEach(a -> byId.put(a.instance(), a));
        Instant stale = now.minus(PATIENCE);
        placed.values().removeIf(p -> byId.containsKey(p.assignment().instance()) || p.at().isBefore(stale));
        withdrawn.replaceAll((id, w) -> !w.shown() && byId.containsKey(id) ? new Withdrawn(w.at(), true) : w);
        withdrawn.entrySet().removeIf(e -> (e.getValue().shown() && !byId.containsKey(e.getKey()))
                || e.getValue().at().isBefore(stale));
        placed.values().forEach(p -> byId.putIfAbsent(p.assignment().instance(), p.assignment()));
        withdrawn.keySet().forEach(byId::remove);
        return List.copyOf(byId.values());
    }
}
