package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceState;
import dev.skep.model.limits.ResourceLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tells what happens to one instance: a log line for the operator and, where the cluster should hear of it, an
 * event (which carries the instance's restarts and last exit). The {@link InstanceMachine} decides; this only says.
 */
final class InstanceNarration {

    private static final Logger log = LoggerFactory.getLogger(InstanceMachine.class);

    private final Assignment assignment;
    private final String id;
    private final InstanceReport report;
    private final Supplier<InstanceReport.Facts> facts;

    InstanceNarration(Assignment assignment, InstanceReport report, Supplier<InstanceReport.Facts> facts) {
        this.assignment = assignment;
        this.id = assignment.instance();
        this.report = report;
        this.facts = facts;
    }

    void slugRetry(int attempt, Duration wait, Exception e) {
        log.warn("event=slug.fetch-retry app={} release={} instance={} slug={} attempt={} next_in_ms={} "
                        + "error=\"{}\"", assignment.app(), assignment.release().number(), id,
                assignment.release().slug(), attempt, wait.toMillis(), e.getMessage());
    }

    void slugRecovered(int attempts) {
        log.info("event=slug.fetch-recovered app={} release={} instance={} attempts={}", assignment.app(),
                assignment.release().number(), id, attempts);
    }

    void launchFailed(Exception e) {
        log.error("event=instance.launch-failed app={} release={} instance={} error=\"{}\"", assignment.app(),
                assignment.release().number(), id, e.toString());
    }

    void started(InstanceProc proc, int port) {
        event(EventTypes.INSTANCE_STARTED, "started pid " + proc.pid() + " on port " + port,
                Map.of("pid", Long.toString(proc.pid()), "port", Integer.toString(port)));
    }

    void adopted(InstanceProc proc, int port) {
        event(EventTypes.INSTANCE_ADOPTED, "adopted pid " + proc.pid() + " after an agent restart",
                Map.of("pid", Long.toString(proc.pid()), "port", Integer.toString(port)));
    }

    void ready(InstanceProc proc, int port, Duration after) {
        log.info("event=instance.ready app={} release={} instance={} pid={} port={} after_ms={}", assignment.app(),
                assignment.release().number(), id, proc.pid(), port, after.toMillis());
        event(EventTypes.INSTANCE_READY, "ready on port " + port,
                Map.of("pid", Long.toString(proc.pid()), "port", Integer.toString(port)));
    }

    void unhealthy(String why, int port) {
        log.warn("event=instance.unhealthy app={} release={} instance={} reason=\"{}\" effect=\"out of the route "
                + "table; restarted if it does not recover\"", assignment.app(), assignment.release().number(),
                id, why);
        event(EventTypes.HEALTH_FAILED, why, Map.of("port", Integer.toString(port)));
    }

    void recovered(Duration after) {
        log.info("event=instance.healthy-again app={} release={} instance={} unhealthy_ms={}",
                assignment.app(), assignment.release().number(), id, after.toMillis());
        event(EventTypes.HEALTH_RECOVERED, "healthy again after " + seconds(after),
                Map.of("unhealthyMs", Long.toString(after.toMillis())));
    }

    /** A restart the machine made itself ({@code reason}), or on request when null. */
    void restarted(String reason, String lastExit) {
        if (reason != null) {
            log.warn("event=instance.restarted app={} release={} instance={} reason=\"{}\"",
                    assignment.app(), assignment.release().number(), id, reason);
            event(EventTypes.INSTANCE_EXITED, lastExit, Map.of("restartInMs", "0"));
        } else {
            log.info("event=instance.restarting app={} release={} instance={}",
                    assignment.app(), assignment.release().number(), id);
        }
    }

    void exited(String lastExit, Duration uptime, RestartTracker.Decision decision) {
        log.warn("event=instance.exited app={} release={} instance={} exit=\"{}\" uptime_ms={} restart_in_ms={} "
                        + "quick_deaths={}", assignment.app(), assignment.release().number(), id, lastExit,
                uptime.toMillis(), decision.delay().toMillis(), decision.quickDeaths());
        event(EventTypes.INSTANCE_EXITED, lastExit, Map.of("restartInMs", Long.toString(decision.delay().toMillis()),
                "uptimeMs", Long.toString(uptime.toMillis())));
    }

    void crashLoop(String lastExit, RestartTracker.Decision decision, Duration retry) {
        log.error("event=instance.crash-loop app={} release={} instance={} quick_deaths={} exit=\"{}\" next=\"retried "
                        + "every {}\" fix=\"read its log\"", assignment.app(), assignment.release().number(), id,
                decision.quickDeaths(), lastExit, seconds(retry));
        event(EventTypes.INSTANCE_CRASH_LOOP, decision.quickDeaths() + " quick deaths in a row, last " + lastExit,
                Map.of("quickDeaths", Integer.toString(decision.quickDeaths())));
    }

    void failed(String why) {
        log.error("event=instance.failed app={} release={} instance={} reason=\"{}\" effect=\"the release does "
                + "not start\" fix=\"read its log\"", assignment.app(), assignment.release().number(), id, why);
        event(EventTypes.INSTANCE_EXITED, "failed: " + why, Map.of("state", InstanceState.FAILED.label()));
    }

    void oomKilled(ResourceLimits limits, String lastExit) {
        log.warn("event=instance.oom-killed app={} release={} instance={} limit_bytes={}: restarting; give it "
                + "more memory (--app-memory) or make it use less", assignment.app(), assignment.release().number(),
                id, limits.memoryBytes());
        event(EventTypes.INSTANCE_OOM_KILLED, lastExit, Map.of("limitBytes", Long.toString(limits.memoryBytes())));
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private void event(String type, String text, Map<String, String> data) {
        report.event(type, text, facts.get(), data);
    }
}
