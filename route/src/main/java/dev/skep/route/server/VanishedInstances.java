package dev.skep.route.server;

import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps routing, for a short while, to an instance whose status left the state while it was READY.
 *
 * <p>An agent stops an instance by reporting it STOPPING first, so a READY status that simply vanishes means the
 * state lost it, not that the instance stopped: the agent's ZooKeeper session ended (a pause, a lost quorum) and
 * its node is re-created a moment later on the new session. Every agent's old session ends on the same server tick
 * after a lost quorum, so without this a router could see all of an app's instances gone at once for that moment
 * and answer 503. If the instance really died with its host, connecting to it fails and the request is retried on
 * another one, as for any dead backend.
 */
final class VanishedInstances {

    private static final Logger log = LoggerFactory.getLogger(VanishedInstances.class);

    private final Duration keep;
    private final LongSupplier nanoTime;
    private Map<String, InstanceStatus> lastSeen = Map.of();
    private final Map<String, Kept> kept = new HashMap<>();

    private record Kept(InstanceStatus status, long untilNanos) { }

    /**
     * @param keep     how long a vanished READY instance is still routed to, unless it comes back sooner
     * @param nanoTime the clock ({@code System::nanoTime} outside tests)
     */
    VanishedInstances(Duration keep, LongSupplier nanoTime) {
        this.keep = keep;
        this.nanoTime = nanoTime;
    }

    /**
     * The instances to route by: those in the state, and the READY ones that left it less than {@code keep} ago.
     * Called with each new read of the state, in order.
     */
    List<InstanceStatus> withVanished(List<InstanceStatus> inState) {
        long now = nanoTime.getAsLong();
        Map<String, InstanceStatus> seen = new HashMap<>();
        for (InstanceStatus i : inState) {
            seen.put(i.instance(), i);
            kept.remove(i.instance()); // back, with whatever it reports now
        }
        for (InstanceStatus before : lastSeen.values()) {
            if (before.state() == InstanceState.READY && !seen.containsKey(before.instance())) {
                kept.put(before.instance(), new Kept(before, now + keep.toNanos()));
                log.info("event=route.instance-vanished app={} instance={} release={} agent={} kept_ms={} "
                        + "why=\"its status left the state while ready (a session loss): still routed to unless it "
                        + "fails\"", before.app(), before.instance(), before.release(), before.agent(), keep.toMillis());
            }
        }
        kept.values().removeIf(k -> now - k.untilNanos() >= 0);
        lastSeen = seen;
        if (kept.isEmpty()) {
            return inState;
        }
        List<InstanceStatus> all = new ArrayList<>(inState);
        kept.values().forEach(k -> all.add(k.status()));
        return all;
    }

    /** How long until the next kept instance is dropped, when one is kept: the table must be rebuilt then. */
    Optional<Duration> nextExpiry() {
        long now = nanoTime.getAsLong();
        return kept.values().stream().mapToLong(Kept::untilNanos).min()
                .stream().mapToObj(until -> Duration.ofNanos(Math.max(0, until - now))).findFirst();
    }

    /** The ids kept though gone from the state, for logs and tests. */
    List<String> keptIds() {
        return List.copyOf(kept.keySet());
    }
}
