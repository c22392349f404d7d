package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.Event;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link InstanceReport} to the agent's world: the instance record on disk, the status in the cluster state, the
 * event sink. Keeps the last status for the agent to read.
 */
final class StatusReport extends SlotStep implements InstanceReport {

    private static final Logger log = LoggerFactory.getLogger(StatusReport.class);

    private volatile InstanceStatus last;

    StatusReport(RunnerContext ctx, Assignment assignment, InstanceSlot slot) {
        super(ctx, assignment, slot);
    }

    /** The last status written, or null before the first. */
    InstanceStatus last() {
        return last;
    }

    @Override
    public void save(InstanceProc proc, int restarts) {
        AppUsers.AppUser user = slot.user();
        ctx.store().save(new InstanceRecord(assignment, proc.pid(), proc.startTime(), slot.port(), restarts,
                proc.started(), user == null ? -1 : user.uid(), user == null ? -1 : user.gid()));
    }

    @Override
    public void publish(InstanceState state, InstanceProc proc, Instant since, Facts facts) {
        InstanceStatus next = new InstanceStatus(id, assignment.app(), assignment.release().number(),
                ctx.config().agentId(), ctx.config().host(), facts.port(), proc == null ? 0 : proc.pid(),
                state, since, facts.restarts(), facts.lastExit(), facts.message());
        last = next;
        ctx.board().put(next);
        try {
            ctx.statuses().putInstance(next);
        } catch (RuntimeException e) {
            log.warn("event=instance.status-not-written app={} release={} instance={} state={} error=\"{}\" "
                    + "effect=\"the cluster sees it late\"", assignment.app(), assignment.release().number(), id,
                    state.label(), e.toString());
        }
    }

    @Override
    public void event(String type, String text, Facts facts, Map<String, String> data) {
        Map<String, String> all = new LinkedHashMap<>(data);
        all.put("restarts", Integer.toString(facts.restarts()));
        if (facts.lastExit() != null) {
            all.putIfAbsent("lastExit", facts.lastExit());
        }
        try {
            ctx.events().emit(new Event(ctx.clock().instant(), type, assignment.app(), assignment.release().number(),
                    id, ctx.config().host(), text, all));
        } catch (RuntimeException e) {
            log.warn("event=event.not-delivered type={} instance={} error=\"{}\"", type, id, e.toString());
        }
    }

    @Override
    public void logsCaughtUp(Duration wait) throws InterruptedException {
        slot.logsCaughtUp(wait);
    }

    /** The instance is gone for good: its record, its status and a last event. */
    void forget(Facts facts) {
        try {
            ctx.store().delete(id);
        } catch (UncheckedIOException e) {
            log.warn("event=instance.record-not-deleted instance={} error=\"{}\"", id, e.getMessage());
        }
        try {
            ctx.statuses().removeInstance(id);
        } catch (RuntimeException e) {
            log.warn("event=instance.status-not-removed instance={} error=\"{}\"", id, e.toString());
        }
        event(EventTypes.INSTANCE_STOPPED, "stopped" + (facts.lastExit() == null ? "" : " (" + facts.lastExit() + ")"),
                facts, Map.of());
    }
}
