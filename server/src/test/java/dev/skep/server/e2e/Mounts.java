package dev.skep.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Apps' disk images a skep left mounted under a test's dir (it was killed, or kept its apps): unmounted once the
 * test is done with them, so the temp dir can be deleted and no loop device stays taken.
 */
final class Mounts {

    /** How long a mount may stay busy after its users exit before it is detached lazily. */
    private static final long BUSY_FOR_MILLIS = 10_000;

    private Mounts() {
    }

    /** Unmounts every mount point below {@code under}, deepest first. */
    static void release(Path under) {
        String root = under.toAbsolutePath().normalize() + "/";
        List<String> points = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String point = line.split(" ")[4];
                if (point.startsWith(root)) {
                    points.add(point);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        points.sort((a, b) -> b.length() - a.length());
        for (String point : points) {
            unmount(Path.of(point));
        }
    }

    /**
     * Unmounts {@code point}, retrying while it is busy, then detaching it lazily: the loop device of an app's disk
     * image on it stays in use while an app of a test running beside this one holds a copy of that disk's mount in
     * its mount namespace (made while the disk was mounted), so the image file, and this mount, stay busy until that
     * app exits, minutes later. A lazy unmount takes it out of the tree now; the kernel frees it when that app goes.
     */
    static void unmount(Path point) {
        long deadline = System.currentTimeMillis() + BUSY_FOR_MILLIS;
        String out;
        while ((out = run("umount", point.toString())) != null && System.currentTimeMillis() < deadline) {
            sleep();
        }
        if (out != null && (out = run("umount", "-l", point.toString())) != null) {
            throw new IllegalStateException("umount -l " + point + " failed: " + out);
        }
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? null : out;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
