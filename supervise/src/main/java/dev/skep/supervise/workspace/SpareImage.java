package dev.skep.supervise.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few blank images of the quota's size kept ready, so that an app's first launch (a first deploy) mounts one
 * instead of waiting for mkfs, the slowest step of a fresh disk. More than one: new apps come in bursts (a CI making
 * review apps, a migration), and with one spare every new app after the first of a burst made its image on the
 * launch's path (20-60 ms on a busy host). Made in the background when asked, and again a moment after one is taken;
 * the spares on disk outlive the agent, for the next start.
 */
final class SpareImage {

    private static final Logger log = LoggerFactory.getLogger(SpareImage.class);
    /** Spares are remade this long after one is taken: not on the CPU the launch that took it needs. */
    static final long DELAY_MS = 500;
    /** How many are kept: enough for a burst of new apps a couple of seconds apart each. */
    static final int COUNT = 3;

    private final List<Path> spares;
    private final Path part;
    private final long size;
    private final Object lock = new Object();
    private boolean keep; // guarded by lock
    private Thread maker; // guarded by lock
    private long lastTake = System.nanoTime() - DELAY_MS * 1_000_000; // guarded by lock

    /** @param first where the first spare lies (a dot name never taken for an app's image); the others beside it */
    SpareImage(Path first, long size) {
        String name = first.getFileName().toString();
        int dot = name.lastIndexOf('.');
        List<Path> all = new ArrayList<>();
        all.add(first);
        for (int i = 2; i <= COUNT; i++) {
            all.add(first.resolveSibling(name.substring(0, dot) + "-" + i + name.substring(dot)));
        }
        this.spares = List.copyOf(all);
        this.part = first.resolveSibling(name + ".part");
        this.size = size;
    }

    /** Starts keeping spares: they are made now, in the background. */
    void keep() {
        synchronized (lock) {
            keep = true;
        }
        startMaker();
    }

    /** Moves a spare into place as {@code image}; false when there is none of the quota's size. */
    boolean takeAs(Path image) {
        synchronized (lock) {
            if (!keep) {
                return false;
            }
            boolean taken = false;
            for (Path spare : spares) {
                try {
                    if (ready(spare)) {
                        Files.move(spare, image, StandardCopyOption.ATOMIC_MOVE);
                        lastTake = System.nanoTime();
                        taken = true;
                        break;
                    }
                    Files.deleteIfExists(spare); // made for another quota
                } catch (IOException e) {
                    log.warn("event=disk.spare-not-taken image={} spare={} error=\"{}\" effect=\"the next spare is "
                            + "tried, else this app's image is made now\"", image, spare, e.getMessage());
                }
            }
            startMaker();
            return taken;
        }
    }

    private void startMaker() {
        synchronized (lock) {
            if (!keep || (maker != null && maker.isAlive())) { // a live maker looks again before it ends
                return;
            }
            maker = Thread.ofVirtual().name("disk-spare").start(this::make);
        }
    }

    /**
     * Makes the missing spares, one after another, until none is missing (one taken meanwhile included), none within
     * {@link #DELAY_MS} of the last take.
     */
    private void make() {
        try {
            while (true) {
                Path missing;
                long wait;
                synchronized (lock) {
                    missing = keep ? firstMissing() : null;
                    if (missing == null) {
                        maker = null; // under the lock: a spare taken from now on starts a new maker
                        return;
                    }
                    // off the CPU of the launch that just took one
                    wait = lastTake + DELAY_MS * 1_000_000 - System.nanoTime();
                    if (wait <= 0) {
                        Files.deleteIfExists(missing); // none, or made for another quota
                    }
                }
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000 + 1);
                    continue;
                }
                Ext4Images.format(part, size);
                synchronized (lock) {
                    if (keep) {
                        Files.move(part, missing, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // stopping
            }
            log.warn("event=disk.spare-failed error=\"{}\" effect=\"a new app's first launch makes its "
                    + "image itself\"", e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException e) {
                log.debug("event=disk.spare-part-not-removed error=\"{}\"", e.toString());
            }
        }
    }

    private Path firstMissing() throws IOException {
        for (Path spare : spares) {
            if (!ready(spare)) {
                return spare;
            }
        }
        return null;
    }

    /** A spare of the quota's size lies there (one made for another quota is not). */
    private boolean ready(Path spare) throws IOException {
        return Files.isRegularFile(spare, LinkOption.NOFOLLOW_LINKS) && Files.size(spare) == size;
    }

    /** Stops making spares and waits for one being made; the spares on disk stay for the next start. */
    void stop() {
        Thread running;
        synchronized (lock) {
            keep = false;
            running = maker;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
