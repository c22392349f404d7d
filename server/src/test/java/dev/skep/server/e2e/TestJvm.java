package dev.skep.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The java command the end-to-end tests start skep's JVMs with: this JVM's java running the built skep.jar (what
 * `bin/skep` runs), mapping a class-data archive of it. A suite starts a few hundred of these JVMs; with the archive
 * `skep server` answers in about 60% of the time (4.5 s → 2.7 s on this 2-core machine).
 *
 * <p>The archive is made once per build by a training run of `skep server` (start, answer, SIGTERM: the JVM writes
 * the classes it loaded as it exits), under a file lock so that parallel forks make it once, and renamed into place
 * whole. After that it is only read, which any number of JVMs may do at once; a JVM that cannot map it (a JDK
 * change) starts without it. Without skep.jar (a test run from an IDE before `package`) the test class path is used.
 */
final class TestJvm {

    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path JAR = TARGET.resolve("skep.jar");
    private static final Path ARCHIVE = TARGET.resolve("e2e-cds")
            .resolve("skep-jdk" + Runtime.version().feature() + ".jsa");
    private static Boolean archived;

    private TestJvm() {
    }

    /** This JVM's java, then {@code options}, the class path (and archive), and {@code mainClass}. */
    static List<String> command(String mainClass, String... options) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(options));
        if (Files.isRegularFile(JAR)) {
            if (archive()) {
                command.addAll(List.of("-XX:SharedArchiveFile=" + ARCHIVE, "-Xshare:auto", "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off"));
            }
            // the access log on, as the test class path's logback-test.xml had it (tests read routers' access lines)
            command.addAll(List.of("-DSKEP_ACCESS_LOG=INFO", "-cp", JAR.toString()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        }
        command.add(mainClass);
        return command;
    }

    private static synchronized boolean archive() {
        if (archived == null) {
            archived = makeOnce();
        }
        return archived;
    }

    private static boolean makeOnce() {
        try {
            Files.createDirectories(ARCHIVE.getParent());
            try (FileChannel channel = FileChannel.open(ARCHIVE.resolveSibling("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock held = channel.lock()) {
                if (!current()) {
                    train();
                }
                return current();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("e2e: no class-data archive, JVMs start without one: " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An archive newer than every jar it was made from (a rebuilt jar voids it: the JVM would not map it). */
    private static boolean current() throws IOException {
        if (!Files.isRegularFile(ARCHIVE)) {
            return false;
        }
        FileTime made = Files.getLastModifiedTime(ARCHIVE);
        try (Stream<Path> libs = Files.list(TARGET.resolve("lib"))) {
            return Stream.concat(Stream.of(JAR), libs).allMatch(jar -> {
                try {
                    return Files.getLastModifiedTime(jar).compareTo(made) < 0;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static void train() throws IOException, InterruptedException {
        // apps' uids must pass through the data dir's parents (the server refuses to start otherwise)
        Path dir = Files.createTempDirectory(ARCHIVE.getParent(), "train-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        Path partial = dir.resolve("skep.jsa");
        int apiPort = SkepServerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-Xmx256m", "-XX:ArchiveClassesAtExit=" + partial, "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off", "-cp", JAR.toString(), "dev.skep.server.Main", "server",
                "--data-dir", dir.resolve("data").toString(), "--api-port", String.valueOf(apiPort),
                "--router-port", String.valueOf(SkepServerProcess.freePort())));
        Process server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        boolean answered = false;
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI version = URI.create("http://127.0.0.1:" + apiPort + "/version");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!answered && server.isAlive() && System.nanoTime() < deadline) {
                answered = SkepServerProcess.answers(client, version);
                if (!answered) {
                    Thread.sleep(100);
                }
            }
        } finally {
            server.destroy(); // SIGTERM: a clean exit, during which the JVM writes the archive
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
            Mounts.release(dir);
        }
        if (!answered) { // an archive of a failed start would hold too few classes to be worth mapping
            throw new IOException("the training skep server never answered; see " + dir.resolve("server.log"));
        }
        if (Files.isRegularFile(partial) && Files.size(partial) > 0) {
            Files.move(partial, ARCHIVE, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
