package dev.skep.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Apps' disk images a skep left mounted under a test's dir (it was killed, or kept its apps): unmounted once the
 * test is done with them, so the temp dir can be deleted and no loop device stays taken.
 */
final class Mounts {

    private Mounts() {
    }

    static void release(Path under) {
        try {
            String root = under.toAbsolutePath().normalize() + "/";
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String point = line.split(" ")[4];
                if (point.startsWith(root)) {
                    new ProcessBuilder("umount", point).inheritIO().start().waitFor();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
