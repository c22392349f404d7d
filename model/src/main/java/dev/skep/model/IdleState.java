package dev.skep.model;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An app's sleep, kept in its "idle" document beside the spec (the spec itself stays as the owner left it: a sleeping
 * app keeps its releases, env, domains, volumes and formation). Written by three parties, each with an atomic
 * read-modify-write: the routers record traffic ({@link #active}) and wake it ({@link #woken}), the leading controller
 * puts it to sleep ({@link #asleep}). Times are epoch milliseconds of the writer's clock.
 *
 * @param activeAt when a router last reported a request (or one in flight) for the app; 0: never
 * @param sleeping the controller stopped it for being idle, and no request has woken it since
 * @param since    when it fell asleep (0 when awake)
 */
public record IdleState(long activeAt, boolean sleeping, long since) {

    public static final String DOCUMENT = "idle";
    public static final IdleState AWAKE = new IdleState(0, false, 0);

    /**
     * True when the scheduler should run none of the app's instances: it fell asleep and nothing the owner did
     * since (a deploy, start, restart, scale, env change: each moves {@code updated}) asked for it to run.
     */
    public boolean asleep(AppSpec spec) {
        return sleeping && spec.running() && spec.updated() != null && spec.updated().toEpochMilli() <= since;
    }

    /**
     * The apps of {@code apps} that are asleep: idle stop on in their route settings (turned off, an app runs again at
     * once) and {@link #asleep(AppSpec)} by their idle document. One rule for the scheduler, the API and the routers.
     */
    public static Set<AppId> asleep(Collection<AppSpec> apps,
                                              Map<AppId, IdleState> idle,
                                              Map<AppId, RouteSettings> settings) {
        Set<AppId> asleep = new HashSet<>();
        if (idle.isEmpty()) {
            return asleep;
        }
        for (AppSpec spec : apps) {
            IdleState s = idle.get(spec.id());
            RouteSettings r = settings.get(spec.id());
            if (s != null && r != null && r.idleStop() && s.asleep(spec)) {
                asleep.add(spec.id());
            }
        }
        return asleep;
    }

    /** A router saw traffic at {@code now}: the newest report wins, a sleep stays (only a wake ends it). */
    public IdleState active(long now) {
        return new IdleState(Math.max(activeAt, now), sleeping, since);
    }

    /** A request came for the sleeping app. */
    public IdleState woken(long now) {
        return new IdleState(Math.max(activeAt, now), false, 0);
    }

    public IdleState asleep(long now) {
        return new IdleState(activeAt, true, now);
    }

    /** The last sign of use: a router's report, or the owner's last change of the spec (a deploy counts). */
    public long lastUse(AppSpec spec) {
        return Math.max(activeAt, spec.updated() == null ? 0 : spec.updated().toEpochMilli());
    }

    /** The document's JSON (three scalars: no mapper needed in model). */
    public String toJson() {
        return "{\"activeAt\":" + activeAt + ",\"sleeping\":" + sleeping + ",\"since\":" + since + "}";
    }
}
