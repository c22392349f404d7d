package dev.skep.deploy.release;

import dev.skep.model.AppId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per app: deploys, config changes and rollbacks of one app run one at a time, different apps in parallel.
 * Its own piece so that everything that changes an app's releases (the deployer, the crash-loop rollback, the API's
 * commands) holds the same lock without holding the deployer.
 */
public final class AppLocks {

    private final Map<AppId, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** Runs {@code work} holding the app's lock, waiting for whoever holds it now. */
    public <T> T exclusively(AppId app, Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(app, a -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
