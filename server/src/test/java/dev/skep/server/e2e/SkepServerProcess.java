package dev.skep.server.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A real `skep server` in its own JVM, on free ports, with its own data dir: what the end-to-end
 * tests drive. Kill it with {@link #kill()} (SIGKILL) to test crash behaviour.
 */
public final class SkepServerProcess implements AutoCloseable {

    public final Path dataDir;
    public final int apiPort;
    public final int routerPort;
    public final int firstAppPort;
    private final List<String> extraArgs;
    private final Map<String, String> extraEnv;
    private Process process;
    private final Path log;
    private SSLContext tls;

    public SkepServerProcess(Path dataDir, List<String> extraArgs, Map<String, String> extraEnv) throws IOException {
        // app ports below Linux's ephemeral range (32768+), where no outgoing connection can sit on them
        this(dataDir, extraArgs, extraEnv, freePort(), freePort(), appPorts(1));
    }

    /** The same ports again: a restart of the same server. */
    public SkepServerProcess(Path dataDir, List<String> extraArgs, Map<String, String> extraEnv, int apiPort,
                             int routerPort, int firstAppPort) {
        this.dataDir = dataDir;
        this.apiPort = apiPort;
        this.routerPort = routerPort;
        this.firstAppPort = firstAppPort;
        this.extraArgs = extraArgs;
        this.extraEnv = extraEnv;
        // kept after the test (temp dirs are not), for whoever reads a failure
        this.log = Path.of("target", "e2e-logs", dataDir.getParent().getFileName() + "-" + apiPort + ".log")
                .toAbsolutePath();
    }

    /**
     * A port no one listens on, below Linux's ephemeral range (32768+) and the app ports (20000+): a port from the
     * ephemeral range could be taken by some outgoing connection of a test running beside this one before the server
     * binds it (what we take a CI run's server that exited at start to have met), one below it only by a listener,
     * which the probe sees. Each port is handed out once per suite run across the parallel forks (a claim file),
     * since between the probe and the server's bind a few seconds pass in which another fork could be handed the
     * same port (a fresh-clone run's router then met "Address already in use").
     */
    public static int freePort() throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            int port = 10000 + ThreadLocalRandom.current().nextInt(10000);
            if (claim(port) && free("127.0.0.1", port) && free("::1", port)) {
                return port;
            }
        }
        throw new IOException("no free port in 10000-19999 after 1000 tries");
    }

    /**
     * The first of {@code blocks} × 100 app ports no other fork of this suite run was given: below Linux's ephemeral
     * range (32768+), where no outgoing connection can sit on them, and claimed as {@link #freePort} claims, since two
     * servers handed the same range give the same port to two apps (a CI run's deploy died with EADDRINUSE). Not
     * 21700-21999, which the hosts tests' agents use.
     */
    public static int appPorts(int blocks) {
        try {
            return claimAppPorts(blocks);
        } catch (IOException e) {
            throw new UncheckedIOException("claiming app ports under " + PORT_CLAIMS, e);
        }
    }

    private static int claimAppPorts(int blocks) throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            int first = 20000 + ThreadLocalRandom.current().nextInt(120 - blocks + 1) * 100;
            int last = first + blocks * 100 - 1;
            if (last >= 21700 && first <= 21999) {
                continue;
            }
            boolean all = true;
            for (int b = 0; b < blocks && all; b++) {
                all = claim("apps-" + (first + b * 100));
            }
            if (all) {
                return first;
            }
        }
        throw new IOException("no unclaimed block of " + blocks * 100 + " app ports in 20000-31999 after 1000 tries");
    }

    private static final Path PORT_CLAIMS = Path.of("target", "e2e-ports").toAbsolutePath();

    /** Whether this JVM may hand out {@code port}: no fork was given it in the last half hour. */
    private static boolean claim(int port) throws IOException {
        return claim(Integer.toString(port));
    }

    private static boolean claim(String name) throws IOException {
        Path claim = Files.createDirectories(PORT_CLAIMS).resolve(name);
        try {
            Files.createFile(claim);
            return true;
        } catch (FileAlreadyExistsException taken) {
            if (Files.getLastModifiedTime(claim).toInstant().isBefore(Instant.now().minus(Duration.ofMinutes(30)))) {
                Files.setLastModifiedTime(claim, FileTime.from(Instant.now()));
                return true; // an earlier run's: long since free
            }
            return false;
        }
    }

    private static boolean free(String address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, port));
            return true;
        } catch (BindException taken) {
            // a host without IPv6 cannot assign ::1 at all: only "in use" means taken there
            return "::1".equals(address) && !String.valueOf(taken.getMessage()).contains("in use");
        } catch (IOException e) {
            return false;
        }
    }

    /** The API speaks HTTPS (started with --api-tls-cert/--api-tls-key): probe it trusting this context. */
    public SkepServerProcess withTls(SSLContext context) {
        this.tls = context;
        return this;
    }

    public SkepServerProcess start() throws IOException {
        Files.createDirectories(dataDir.getParent());
        Files.createDirectories(log.getParent());
        // as on a real host: apps (own uids when root) must pass through the data dir's parents
        Files.setPosixFilePermissions(dataDir.getParent(),
                PosixFilePermissions.fromString("rwx--x--x"));
        // C1 only: a test's server lives a minute or two, and C2 compiling it would take half the CPU of its start
        List<String> command = new ArrayList<>(TestJvm.command("dev.skep.server.Main", "-XX:+UseSerialGC", "-Xmx256m",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of("server",
                "--data-dir", dataDir.toString(),
                "--api-port", String.valueOf(apiPort),
                "--router-port", String.valueOf(routerPort),
                "--app-ports", firstAppPort + "-" + (firstAppPort + 99)));
        if (!extraArgs.contains("--probation")) {
            // every deploy of the suite goes through a probation, a short one: dozens of deploys, each 10 s longer,
            // would starve the machine; tests of the window itself set theirs
            command.addAll(List.of("--probation", System.getProperty("skep.test.probation", "1")));
        }
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(extraEnv);
        process = builder.start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("skep server exited with " + process.exitValue() + ":\n" + output());
                }
                return answers();
            });
        } catch (RuntimeException | Error e) { // never answered: the caller cannot close what it never got
            process.destroyForcibly();
            throw e;
        }
        return this;
    }

    private boolean answers() {
        return answers(tls == null ? HttpClient.newHttpClient() : HttpClient.newBuilder().sslContext(tls).build(),
                api("/version"));
    }

    /** True when {@code version} (a skep API's /version) answers 200 within 2 s; false while it does not listen yet. */
    static boolean answers(HttpClient client, URI version) {
        try {
            return client.send(HttpRequest.newBuilder(version).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public URI api(String path) {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + apiPort + path);
    }

    public String token() throws IOException {
        return Files.readString(dataDir.resolve("admin.token")).trim();
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

    /** SIGKILL: no shutdown hook runs, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM and wait for a clean exit; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
        Mounts.release(dataDir);
    }
}
