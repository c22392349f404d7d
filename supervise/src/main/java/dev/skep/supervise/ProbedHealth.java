package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.HealthCheck;
import dev.skep.model.ProcessTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;

/** {@link InstanceHealth} by the app's health check, read again each round (see {@link HealthWatch}). */
final class ProbedHealth implements InstanceHealth {

    private static final Logger log = LoggerFactory.getLogger(ProbedHealth.class);

    private final RunnerContext ctx;
    private final Assignment assignment;

    ProbedHealth(RunnerContext ctx, Assignment assignment) {
        this.ctx = ctx;
        this.assignment = assignment;
    }

    @Override
    public Watch watch(InstanceProc proc, int port, Consumer<InstanceSignal> out) {
        if (!ProcessTypes.isWeb(assignment.type())) {
            return () -> { }; // never checked (see check()): no thread waking every interval for nothing
        }
        int gen = proc.generation();
        return HealthWatch.start(assignment.instance(), this::check, port,
                (healthy, why) -> out.accept(new InstanceSignal.Health(gen, healthy, why)));
    }

    @Override
    public Duration restartAfter() {
        HealthCheck check = check();
        return check == null ? Duration.ZERO : check.restartAfter();
    }

    /** The app's health check, or null: other types than web are judged by running. */
    HealthCheck check() {
        if (!ProcessTypes.isWeb(assignment.type())) {
            return null;
        }
        try {
            return ctx.hooks().health().apply(assignment.app());
        } catch (RuntimeException e) {
            log.warn("event=health.setting-unreadable app={} instance={} error=\"{}\" effect=\"checking the port "
                    + "only\"",
                    assignment.app(), assignment.instance(), e.toString());
            return null;
        }
    }
}
