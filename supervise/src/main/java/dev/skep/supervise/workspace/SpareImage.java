package dev.skep.supervise.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blank image of the quota's size kept ready, so that an app's first launch (a first deploy) mounts it
 * instead of waiting for mkfs, the slowest step of a fresh disk. Made in the background when asked, and again a
 * moment after each one is taken; the spare on disk outlives the agent, for the next start.
 */
final class SpareImage {

    private static final Logger log = LoggerFactory.getLogger(SpareImage.class);
    /** The spare is remade this long after one is taken: not on the CPU the launch that took it needs. */
    static final long DELAY_MS = 2_000;

    private final Path spare;
    private final Path part;
    private final long size;
    private final Object lock = new Object();
    private boolean keep; // guarded by lock
    private Thread maker; // guarded by lock

    /** @param spare where the spare lies (a name never taken for an app's image) */
    SpareImage(Path spare, long size) {
        this.spare = spare;
        this.part = spare.resolveSibling(spare.getFileName() + ".part");
        this.size = size;
    }

    /** Starts keeping a spare: one is made now, in the background. */
    void keep() {
        synchronized (lock) {
            keep = true;
        }
        makeIn(0);
    }

    /** Moves the spare into place as {@code image}; false when there is none of the quota's size. */
    boolean takeAs(Path image) {
        synchronized (lock) {
            if (!keep) {
                return false;
            }
            boolean taken = false;
            try {
                if (Files.isRegularFile(spare, LinkOption.NOFOLLOW_LINKS)) {
                    if (Files.size(spare) == size) {
                        Files.move(spare, image, StandardCopyOption.ATOMIC_MOVE);
                        taken = true;
                    } else {
                        Files.delete(spare); // made for another quota
                    }
                }
            } catch (IOException e) {
                log.warn("event=disk.spare-not-taken image={} error=\"{}\" effect=\"this app's image is made now\"",
                        image, e.getMessage());
            }
            makeIn(DELAY_MS);
            return taken;
        }
    }

    private void makeIn(long delayMs) {
        synchronized (lock) {
            if (!keep || (maker != null && maker.isAlive())) {
                return;
            }
            maker = Thread.ofVirtual().name("disk-spare").start(() -> make(delayMs));
        }
    }

    private void make(long delayMs) {
        try {
            Thread.sleep(delayMs);
            synchronized (lock) {
                if (Files.isRegularFile(spare, LinkOption.NOFOLLOW_LINKS) && Files.size(spare) == size) {
                    return;
                }
                Files.deleteIfExists(spare); // none, or made for another quota
            }
            Ext4Images.format(part, size);
            synchronized (lock) {
                if (keep) {
                    Files.move(part, spare, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
                log.debug("spare part not removed: {}", e.toString());
            }
        }
    }

    /** Stops making spares and waits for one being made; the spare on disk stays for the next start. */
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
