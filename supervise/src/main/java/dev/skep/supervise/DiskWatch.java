package dev.skep.supervise;

import dev.skep.model.AppId;
import dev.skep.model.Assignment;
import dev.skep.model.Event;
import dev.skep.model.EventTypes;
import dev.skep.model.InstanceStatus;
import dev.skep.model.concurrent.PeriodicTask;
import dev.skep.supervise.workspace.AppDisks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link #INTERVAL}: how full each app's disk is on this host ({@code app.disk-full} once per crossing of
 * 90% of its quota), whether it turned read-only ({@code app.disk-read-only} once until it is repaired: the app's
 * writes fail meanwhile, and nothing else would tell), and the disks of apps that were deleted go (image unmounted
 * and deleted, volumes too).
 */
final class DiskWatch {

    static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(DiskWatch.class);

    private final RunnerContext ctx;
    private final Supplier<List<InstanceStatus>> instances;
    private final FullnessLatch latch = new FullnessLatch(0.9, 0.85);
    /** Apps whose disk was said to be read-only, until it is writable again. */
    private final Set<AppId> saidReadOnly = new HashSet<>();

    /** @param instances what this agent runs now */
    DiskWatch(RunnerContext ctx, Supplier<List<InstanceStatus>> instances) {
        this.ctx = ctx;
        this.instances = instances;
    }

    /** Checks every {@link #INTERVAL} until the task is closed. */
    PeriodicTask start() {
        return PeriodicTask.start("agent-disks-" + ctx.config().agentId(), INTERVAL, this::check, e -> log.warn(
                "event=disk.check-failed agent={} error=\"{}\"", ctx.config().agentId(), e.toString()));
    }

    void check() {
        AppDisks disks = ctx.disks();
        Map<AppId, List<InstanceStatus>> byApp = new HashMap<>();
        for (InstanceStatus s : instances.get()) {
            byApp.computeIfAbsent(s.app(), a -> new ArrayList<>()).add(s);
        }
        Set<AppId> apps = new LinkedHashSet<>(byApp.keySet());
        try {
            apps.addAll(disks.apps());
        } catch (IOException e) {
            log.warn("event=disk.check-failed agent={} error=\"{}\"", ctx.config().agentId(), e.getMessage());
        }
        Predicate<AppId> deleted = deletedThisPass(ctx);
        for (AppId app : apps) {
            List<InstanceStatus> mine = byApp.getOrDefault(app, List.of());
            try {
                if (mine.isEmpty() && deleted.test(app)) {
                    disks.remove(app);
                    latch.forget(app);
                    saidReadOnly.remove(app);
                    log.info("event=disk.removed agent={} app={} mode={}: the app was deleted", ctx.config().agentId(),
                            app, disks.mode());
                    continue;
                }
                AppDisks.Usage usage = disks.usage(app, mine.stream().map(InstanceStatus::instance).toList(),
                        ctx.workspaces());
                if (latch.crossed(app, usage)) {
                    full(app, mine.isEmpty() ? null : mine.get(0), usage);
                }
                if (!disks.readOnly(app)) {
                    saidReadOnly.remove(app);
                } else if (saidReadOnly.add(app)) {
                    readOnly(app, mine.isEmpty() ? null : mine.get(0));
                }
            } catch (IOException | RuntimeException e) {
                log.warn("event=disk.check-failed agent={} app={} error=\"{}\": tried again in {} s",
                        ctx.config().agentId(), app, e.getMessage(), INTERVAL.toSeconds());
            }
        }
    }

    /**
     * Whether an app is gone from the cluster's state with nothing of it assigned here (its data is garbage now), for
     * one pass: the cluster's app ids and this agent's assignments are read once, when first asked, rather than for
     * each app (a host of 500 sleeping apps read 500 apps and its assignments 500 times every 10 s).
     */
    static Predicate<AppId> deletedThisPass(RunnerContext ctx) {
        return new Predicate<>() {
            private Set<AppId> live;
            private Set<AppId> assignedHere;

            @Override
            public boolean test(AppId app) {
                if (live == null) {
                    live = ctx.catalog().appIds();
                    assignedHere = ctx.assignments().assignments(ctx.config().agentId()).stream()
                            .map(Assignment::app).collect(Collectors.toSet());
                }
                return !live.contains(app) && !assignedHere.contains(app);
            }
        };
    }

    private void full(AppId app, InstanceStatus some, AppDisks.Usage usage) {
        Integer release = some == null ? null : some.release();
        String instance = some == null ? null : some.instance();
        String mode = ctx.disks().mode();
        String text = app + " uses " + usage.used() + " of " + usage.limit() + " bytes of its disk on "
                + ctx.config().agentId() + (mode.equals("loop") ? ": writes past the quota fail (ENOSPC)"
                : ": the quota is measured, not enforced here") + "; delete data or ask for a larger --app-disk";
        log.warn("event=app.disk-full agent={} app={} release={} instance={} used_bytes={} limit_bytes={} mode={}",
                ctx.config().agentId(), app, release, instance, usage.used(), usage.limit(), mode);
        emit(EventTypes.APP_DISK_FULL, app, release, instance, text, Map.of("used", Long.toString(usage.used()),
                "limit", Long.toString(usage.limit()), "mode", mode));
    }

    private void readOnly(AppId app, InstanceStatus some) {
        Integer release = some == null ? null : some.release();
        String instance = some == null ? null : some.instance();
        String text = AppDisks.readOnlyMessage(app, "on " + ctx.config().agentId())
                + "; meanwhile the app's writes to it fail";
        log.warn("event=app.disk-read-only agent={} app={} release={} instance={} effect=\"the app's writes to its "
                + "disk fail\" fix=\"free space under the data dir, then skep stop and skep start the app\"",
                ctx.config().agentId(), app, release, instance);
        emit(EventTypes.APP_DISK_READ_ONLY, app, release, instance, text, Map.of());
    }

    /** To the event log (the monitor's rules alert on it); a lost event is logged, the next check goes on. */
    private void emit(String type, AppId app, Integer release, String instance, String text, Map<String, String> facts) {
        try {
            ctx.events().emit(new Event(ctx.clock().instant(), type, app, release, instance, ctx.config().host(), text,
                    facts));
        } catch (RuntimeException e) {
            log.warn("event=disk.event-lost type={} app={} error=\"{}\"", type, app, e.toString());
        }
    }
}
