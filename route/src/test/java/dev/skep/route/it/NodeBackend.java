package dev.skep.route.it;

import dev.skep.route.Backend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real node backend (src/test/resources/backends/backend.js) on a free loopback port; stopped by pid. */
final class NodeBackend implements AutoCloseable {

    private static final Path SCRIPT = script();

    final String name;
    final int port;
    private final Process process;

    private NodeBackend(String name, int port, Process process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    static NodeBackend start(String name) {
        try {
            // node binds port 0 and prints the port it got: a port probed free here could be taken (e.g. as the
            // local end of a router's outbound connection) before node binds it
            Process p = new ProcessBuilder("node", SCRIPT.toString(), "0", name)
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("listening")) {
                p.destroyForcibly();
                throw new IllegalStateException("backend " + name + " did not start: " + line);
            }
            int port = Integer.parseInt(line.split(" ")[1]);
            Thread.ofVirtual().start(() -> {
                try {
                    while (out.readLine() != null) {
                        // drain
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            });
            return new NodeBackend(name, port, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node for backend " + name, e);
        }
    }

    Backend backend() {
        return new Backend(name, "127.0.0.1", port);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, like a crash. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path script() {
        try {
            Path p = Path.of(NodeBackend.class.getResource("/backends/backend.js").toURI());
            if (!Files.exists(p)) {
                throw new IllegalStateException("missing " + p);
            }
            return p;
        } catch (Exception e) {
            throw new IllegalStateException("cannot find backends/backend.js on the test classpath", e);
        }
    }
}
