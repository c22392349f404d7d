package dev.skep.model;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * How often every agent beats, and so how long a beat may stay unchanged before its agent counts as dead. Each beat is
 * a ZooKeeper write (a quorum write), so agents x beats per second is load the ensemble must absorb whatever else it
 * does: like Nomad's heartbeat TTL, the interval stays at {@link #MIN_INTERVAL} (fast failover) while the cluster is
 * small and grows with the number of agents once they would beat more than {@code maxBeatsPerSecond} times a second
 * in all. The leader publishes the pace ({@link #bytes}) where every agent reads it; both sides use the same value.
 *
 * @param interval how often each agent beats
 */
public record HeartbeatPace(Duration interval) {

    /** Today's beat, and the floor: a small cluster keeps a ~2 s failover. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(500);

    /**
     * The beats per second all agents together may write. 100: on a 2-core loopback ensemble 200 agents at 500 ms
     * (~400 writes/s) already doubled placement times and 500 agents (~1,000 writes/s) saturated it
     * (bench/cluster/scale-last-run.txt); 100 beats/s leaves the ensemble to placement at any size.
     */
    public static final int MAX_BEATS_PER_SECOND = 100;

    /** Intervals are whole multiples of this: a pace changes in steps, not with every agent that joins. */
    private static final long STEP_MILLIS = 500;

    /** Beats that may be missed (one late beat, one lost) before an agent is silent, plus a write's latency. */
    private static final Duration LATENCY_MARGIN = Duration.ofSeconds(1);

    public HeartbeatPace {
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            interval = MIN_INTERVAL;
        }
    }

    /** The pace before any is published (and of a cluster that never grows past the cap). */
    public static HeartbeatPace initial() {
        return new HeartbeatPace(MIN_INTERVAL);
    }

    /** {@code agents} beating at {@code maxBeatsPerSecond} in all, each no faster than {@link #MIN_INTERVAL}. */
    public static HeartbeatPace forAgents(int agents, int maxBeatsPerSecond) {
        long millis = (long) Math.ceil(Math.max(0, agents) * 1000.0 / maxBeatsPerSecond);
        long stepped = (millis + STEP_MILLIS - 1) / STEP_MILLIS * STEP_MILLIS;
        return new HeartbeatPace(Duration.ofMillis(Math.max(MIN_INTERVAL.toMillis(), stepped)));
    }

    /**
     * The pace to publish after this one for {@code agents}: a grown cluster slows at once (the cap holds); a shrunk one
     * speeds up only once it would still fit with a tenth more agents, so a count hovering at a step does not flap.
     */
    public HeartbeatPace next(int agents, int maxBeatsPerSecond) {
        HeartbeatPace target = forAgents(agents, maxBeatsPerSecond);
        if (target.interval.compareTo(interval) >= 0) {
            return target;
        }
        HeartbeatPace withHeadroom = forAgents(agents + (agents + 9) / 10, maxBeatsPerSecond);
        return withHeadroom.interval.compareTo(interval) < 0 ? withHeadroom : this;
    }

    /**
     * How long an agent's beat may stay unchanged at this pace: two intervals and a second (at 500 ms: 2 s, three
     * beats missed). The silence of the slower of two paces covers an agent still beating at either.
     */
    public Duration silence() {
        return interval.multipliedBy(2).plus(LATENCY_MARGIN);
    }

    /**
     * When an agent re-paced to this pace beats first, in ms from now: at {@code spreadMillis} (its place in the
     * spread that keeps all agents from beating at once), but never later than one interval after its last beat,
     * {@code sinceLastBeatMillis} ago; paces that change faster than the beat would otherwise put it off each time.
     */
    public long firstBeatMillis(long spreadMillis, long sinceLastBeatMillis) {
        return Math.min(spreadMillis, Math.max(0, interval.toMillis() - sinceLastBeatMillis));
    }

    /** What the leader writes: the interval in milliseconds. */
    public byte[] bytes() {
        return Long.toString(interval.toMillis()).getBytes(StandardCharsets.US_ASCII);
    }

    /** The published pace, or empty when nothing (or something unreadable) is published. */
    public static Optional<HeartbeatPace> parse(byte[] data) {
        if (data == null || data.length == 0) {
            return Optional.empty();
        }
        try {
            long millis = Long.parseLong(new String(data, StandardCharsets.US_ASCII).strip());
            return millis > 0 ? Optional.of(new HeartbeatPace(Duration.ofMillis(millis))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
