package dev.skep.server.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** The fixture apps of the repo, and tarballs of them made with tar, as a user would. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path repo() {
        String configured = System.getProperty("skep.repo");
        Path dir = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("fixtures/apps"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find fixtures/apps above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /**
     * A fresh dir for a skep data dir whose apps get a private /tmp: under target/, unless the checkout itself is
     * under /tmp (a CI clone there), where skep keeps the shared /tmp by design (a tmpfs over it would hide the
     * apps' own files): then under /var/lib. The caller deletes it.
     */
    public static Path scratchOutsideTmp(String name) throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        boolean underScratch = Stream.of("/tmp", "/var/tmp", "/dev/shm").anyMatch(target::startsWith);
        Path base = underScratch ? Path.of("/var/lib") : target;
        return Files.createDirectories(base.resolve(name + "-" + System.nanoTime()));
    }

    public static Path app(String name) {
        return repo().resolve("fixtures/apps").resolve(name);
    }

    /**
     * A copy of a fixture app under {@code dir}: for `skep deploy DIR`, which remembers the app in DIR/.skep, so the
     * checkout's fixtures stay as committed.
     */
    public static Path appCopy(String name, Path dir) throws IOException {
        Path from = app(name);
        Path to = dir.resolve("apps").resolve(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    /** `tar -cz -C DIR .` */
    public static byte[] tarball(Path dir) throws IOException, InterruptedException {
        Process tar = new ProcessBuilder("tar", "-cz", "-C", dir.toString(), ".").redirectError(
                ProcessBuilder.Redirect.INHERIT).start();
        byte[] bytes = tar.getInputStream().readAllBytes();
        if (tar.waitFor() != 0) {
            throw new IOException("tar failed for " + dir);
        }
        return bytes;
    }

    public static byte[] tarball(String app) throws IOException, InterruptedException {
        return tarball(app(app));
    }

    /**
     * Where an agent keeps a volume: in the app's disk image when skep is root and loop mounts work
     * ({@code agent/disks/USER.APP/volumes/NAME}), else {@code agent/volumes/USER.APP/NAME}.
     */
    public static Path volume(Path dataDir, String userDotApp, String name) {
        Path image = dataDir.resolve("agent/disks").resolve(userDotApp).resolve("volumes").resolve(name);
        return Files.exists(image) ? image : dataDir.resolve("agent/volumes").resolve(userDotApp).resolve(name);
    }
}
