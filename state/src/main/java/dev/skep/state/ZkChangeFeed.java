package dev.skep.state;

import dev.skep.model.ChangeFeed;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChangeFeed} over the watch on /skep: listeners run once per burst of changes, on one notifier thread.
 * Also nudged, without waiting for that round trip, after this process's own writes.
 */
final class ZkChangeFeed implements ChangeFeed, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZkClusterState.class);

    private final ZkView view;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("state-notify").daemon().unstarted(r));
    private final AtomicBoolean notifyPending = new AtomicBoolean();

    ZkChangeFeed(ZkView view) {
        this.view = view;
    }

    /** Something changed: run the listeners once on the notifier thread (bursts coalesce). */
    void changed() {
        if (notifyPending.compareAndSet(false, true)) {
            try {
                notifier.execute(this::fire);
            } catch (RejectedExecutionException closed) {
                notifyPending.set(false);
            }
        }
    }

    private void fire() {
        notifyPending.set(false);
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.error("event=state.listener-failed error={}", e.toString(), e);
            }
        }
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public boolean reachable() {
        return view.connected();
    }

    @Override
    public void close() {
        notifier.shutdownNow();
    }
}
