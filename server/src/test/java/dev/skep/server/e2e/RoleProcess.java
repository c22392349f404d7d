package dev.skep.server.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One `skep ROLE ...` JVM (agent, router, controller), its output in a log file beside the test's data. */
public final class RoleProcess implements AutoCloseable {

    private final String name;
    private final Path log;
    private final Process process;

    private RoleProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code skep ARGS...} and waits until its output contains {@code readyLine}. */
    public static RoleProcess start(String name, Path logDir, String readyLine, String... args) throws IOException {
        return start(List.of(), name, logDir, readyLine, args);
    }

    /**
     * As {@link #start(String, Path, String, String...)}, the JVM started through {@code prefix} (e.g. nsenter into
     * a host's network namespace), which must exec it: the process kept is the JVM's.
     */
    public static RoleProcess start(List<String> prefix, String name, Path logDir, String readyLine, String... args)
            throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(prefix);
        command.addAll(TestJvm.command("dev.skep.server.Main", "-XX:+UseSerialGC", "-Xmx192m", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        RoleProcess role = new RoleProcess(name, log, process);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + role.output());
                }
                return role.output().contains(readyLine);
            });
        } catch (RuntimeException | Error e) { // never ready: the caller cannot close what it never got
            process.destroyForcibly();
            throw e;
        }
        return role;
    }

    /** Waits until the role logs that ZooKeeper granted it a session of {@code timeout} (--zk-session-timeout). */
    public void awaitSessionOf(Duration timeout) {
        await(name + " granted a session of " + timeout).atMost(Duration.ofSeconds(10))
                .until(() -> output().contains("timeout_ms=" + timeout.toMillis()));
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as in a crash of the host's skep. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
