package dev.skep.server;

import dev.skep.model.ClusterState;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterServer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the router's table from the state after every change (coalesced) and swaps it in; the router forgets
 * the counters of apps and instances that left the state.
 */
final class RouteFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RouteFeed.class);

    private final ClusterState state;
    private final RouterServer router;
    private final String baseDomain;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("route-feed").daemon().unstarted(r));
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AutoCloseable subscription;

    RouteFeed(ClusterState state, RouterServer router, String baseDomain) {
        this.state = state;
        this.router = router;
        this.baseDomain = baseDomain;
        this.subscription = state.onChange(this::poke);
        poke();
    }

    private void poke() {
        if (pending.compareAndSet(false, true)) {
            worker.execute(this::rebuild);
        }
    }

    private void rebuild() {
        pending.set(false);
        try {
            var now = state.snapshot();
            router.update(RouteTable.build(now.apps(), now.instances(), baseDomain));
            router.metrics().retain(now.apps().stream().map(a -> a.id()).collect(java.util.stream.Collectors.toSet()),
                    now.instances().stream().map(i -> i.instance()).collect(java.util.stream.Collectors.toSet()));
        } catch (RuntimeException e) {
            log.error("event=route.rebuild-failed error=\"{}\" next=\"the old table keeps serving\"", e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        subscription.close();
        worker.shutdownNow();
    }
}
