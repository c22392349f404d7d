package dev.skep.model;

/** The names of event types, one place. */
public final class EventTypes {
    public static final String DEPLOY_STARTED = "deploy.started";
    public static final String DEPLOY_SUCCEEDED = "deploy.succeeded";
    public static final String DEPLOY_FAILED = "deploy.failed";
    /** A live release crash-looped soon after going live and the one before was put back. */
    public static final String RELEASE_ROLLED_BACK = "release.rolled-back";
    public static final String INSTANCE_STARTED = "instance.started";
    public static final String INSTANCE_READY = "instance.ready";
    public static final String INSTANCE_EXITED = "instance.exited";
    public static final String INSTANCE_CRASH_LOOP = "instance.crash-loop";
    public static final String INSTANCE_STOPPED = "instance.stopped";
    public static final String INSTANCE_ADOPTED = "instance.adopted";
    public static final String INSTANCE_OOM_KILLED = "instance.oom-killed";
    /** An app's files (volumes and writable copies) on one host crossed 90% of its disk quota. */
    public static final String APP_DISK_FULL = "app.disk-full";
    /** An app's disk on one host turned read-only (a write to its image failed): its writes fail until repaired. */
    public static final String APP_DISK_READ_ONLY = "app.disk-read-only";
    /** An app with an idle stop had no request for that long: its instances are stopped until a request comes. */
    public static final String APP_SLEEPING = "app.sleeping";
    /** A request came for a sleeping app: its instances start again. */
    public static final String APP_WOKE = "app.woke";
    public static final String AGENT_JOINED = "agent.joined";
    public static final String AGENT_LOST = "agent.lost";
    /** Instances of an app the scheduler can put on no agent (said once per reason, with it). */
    public static final String APP_UNPLACED = "app.unplaced";
    public static final String AGENT_DRAINING = "agent.draining";
    public static final String AGENT_UNDRAINED = "agent.undrained";
    public static final String HEALTH_FAILED = "health.failed";
    public static final String HEALTH_RECOVERED = "health.recovered";

    private EventTypes() {
    }
}
