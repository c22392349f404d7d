package dev.skep.monitor.rules;

import dev.skep.model.EventTypes;

import java.time.Duration;
import java.util.List;

/** Rules on for every app (and for the install) unless an app turns one off with {@code {"kind":"off","id":..}}. */
public final class DefaultRules {

    /** An instance that beat once and then fell silent for two minutes. */
    public static final ExpireRule HEARTBEAT = new ExpireRule("heartbeat", ExpireRule.Signal.HEARTBEAT,
            Duration.ofMinutes(2), Scope.INSTANCE, List.of());

    /** The supervisor reports a crash loop: one alert per app until ten quiet minutes. */
    public static final EventRule CRASH_LOOP = new EventRule("crash-loop", EventTypes.INSTANCE_CRASH_LOOP,
            Duration.ofMinutes(10), null, Scope.APP, List.of());

    /** A release that never got ready; resolved by the next successful deploy. */
    public static final EventRule DEPLOY_FAILED = new EventRule("deploy-failed", EventTypes.DEPLOY_FAILED,
            Duration.ofHours(24), EventTypes.DEPLOY_SUCCEEDED, Scope.APP, List.of());

    /** skep rolled a crash-looping release back by itself; resolved by the next successful deploy. */
    public static final EventRule ROLLED_BACK = new EventRule("rolled-back", EventTypes.RELEASE_ROLLED_BACK,
            Duration.ofHours(24), EventTypes.DEPLOY_SUCCEEDED, Scope.APP, List.of());

    /** The kernel killed an instance for memory. */
    public static final EventRule OOM_KILLED = new EventRule("oom-killed", EventTypes.INSTANCE_OOM_KILLED,
            Duration.ofMinutes(30), null, Scope.APP, List.of());

    /** An app's disk on a host crossed 90% of its quota (the agent says so once per crossing). */
    public static final EventRule DISK_FULL = new EventRule("disk-full", EventTypes.APP_DISK_FULL,
            Duration.ofHours(1), null, Scope.APP, List.of());

    /** An app's disk on a host turned read-only (the agent says so once, until it is writable again). */
    public static final EventRule DISK_READ_ONLY = new EventRule("disk-read-only", EventTypes.APP_DISK_READ_ONLY,
            Duration.ofHours(1), null, Scope.APP, List.of());

    /** A host's agent went away (its ZooKeeper session ended); resolved when it joins again. */
    public static final EventRule AGENT_LOST = new EventRule("agent-lost", EventTypes.AGENT_LOST,
            Duration.ofHours(24), EventTypes.AGENT_JOINED, Scope.INSTANCE, List.of());

    public static final List<Rule> APP = List.of(HEARTBEAT, CRASH_LOOP, DEPLOY_FAILED, ROLLED_BACK, OOM_KILLED,
            DISK_FULL, DISK_READ_ONLY);
    public static final List<Rule> INSTALL = List.of(AGENT_LOST);

    private DefaultRules() {
    }
}
