package dev.skep.deploy.build;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One build's copy of node_modules into its cache, run beside the build step instead of before it:
 * the copy is disk-bound, the build CPU-bound, and the deploy waits for neither twice. The build
 * awaits it before anything changes node_modules again (the prune).
 */
final class CacheSave {

    private static final Logger log = LoggerFactory.getLogger(CacheSave.class);

    /** The copy itself; interrupted when the build is. */
    interface Copy {
        void run() throws InterruptedException;
    }

    private Thread running;

    void start(Copy copy) {
        running = Thread.ofVirtual().name("build-cache-save").start(() -> {
            try {
                copy.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // a cache that could not be saved costs the next deploy time, never this one its release
                log.warn("event=build.cache-save-failed error=\"{}\"", e.toString());
            }
        });
    }

    void await() throws InterruptedException {
        if (running != null) {
            running.join();
        }
    }

    /** For a build that ends early: stops waiting only when the copy has ended (it has the build's time limit). */
    void awaitQuietly() {
        boolean interrupted = false;
        while (running != null && running.isAlive()) {
            try {
                running.join();
            } catch (InterruptedException e) {
                interrupted = true;
                running.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
