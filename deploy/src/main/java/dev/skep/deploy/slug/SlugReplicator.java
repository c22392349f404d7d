package dev.skep.deploy.slug;

import dev.skep.model.AppSpec;
import dev.skep.model.ChangeFeed;
import dev.skep.model.ClusterSnapshot;
import dev.skep.model.ClusterSnapshots;
import dev.skep.model.Release;
import dev.skep.model.SlugStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slugs are not lost with the controller that built them: every controller copies to itself the slug of each app's
 * serving release, candidate and warm release that it lacks, from the other controllers (the same fetch as an
 * agent's, {@code GET /v1/slugs/{slug}} with the cluster token). It looks on every state change (bursts coalesce)
 * and every {@link #EVERY} besides, so a release is on every live controller about one fetch after it is recorded,
 * and an agent placed later fetches it from any of them. A copy is pruned by the next deploy of its app through this
 * controller, like its own builds. It reads the apps and releases from the state's snapshot (the watch-fed cache), not
 * from ZooKeeper: reading each app and release there took two round trips per app on every change, 6,000 reads a
 * change with 3,000 apps, on the connection whose watch tells the scheduler of a new app. It looks at once on a
 * change, never after a pause: a release's controller may die a moment after storing it (ControllerFailoverEndToEndTest
 * kills it ~0.4 s after; a 500 ms pause between looks missed that window).
 */
public final class SlugReplicator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SlugReplicator.class);
    static final Duration EVERY = Duration.ofSeconds(5);

    private final ClusterSnapshots snapshots;
    private final ChangeFeed changes;
    private final LocalSlugStore local;
    private final SlugStore others;
    private final BlockingQueue<Object> wake = new ArrayBlockingQueue<>(1);
    private final Set<String> failing = new HashSet<>();
    private AutoCloseable subscription;
    private Thread thread;

    /** @param others fetches a slug from the other controllers into {@code local} */
    public <S extends ClusterSnapshots & ChangeFeed> SlugReplicator(S state, LocalSlugStore local, SlugStore others) {
        this.snapshots = state;
        this.changes = state;
        this.local = local;
        this.others = others;
    }

    public SlugReplicator start() {
        subscription = changes.onChange(() -> wake.offer(Boolean.TRUE));
        thread = Thread.ofVirtual().name("slug-replicator").start(this::run);
        return this;
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                wake.poll(EVERY.toMillis(), TimeUnit.MILLISECONDS);
                if (changes.reachable()) {
                    copyMissing();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("event=slug.replication-failed error=\"{}\" next=\"tried again in {} s\"", e.getMessage(),
                        EVERY.toSeconds());
            }
        }
    }

    private void copyMissing() {
        Set<String> wanted = new LinkedHashSet<>();
        ClusterSnapshot now = snapshots.snapshot();
        for (AppSpec app : now.apps()) {
            for (int number : new int[] {app.release(), app.candidate(), app.warm()}) {
                if (number > 0) {
                    now.release(app.id(), number).map(Release::slug).filter(s -> !local.contains(s))
                            .ifPresent(wanted::add);
                }
            }
        }
        for (String slug : wanted) {
            try {
                others.checkout(slug);
                failing.remove(slug);
                log.info("event=slug.replicated slug={}", slug);
            } catch (Exception e) {
                if (failing.add(slug)) { // said once per slug, tried again on every pass
                    log.warn("event=slug.replicate-failed slug={} error=\"{}\" next=\"tried again on the next state "
                            + "change or in {} s\"", slug, e.getMessage(), EVERY.toSeconds());
                }
            }
        }
        failing.retainAll(wanted);
    }

    @Override
    public void close() throws Exception {
        if (thread != null) {
            thread.interrupt();
        }
        if (subscription != null) {
            subscription.close();
        }
    }
}
