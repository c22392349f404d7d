package dev.skep.server;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The operator's reload command (`--reload-cmd`), run with /bin/sh after the edge config changed, e.g.
 * {@code kill -USR2 $(cat /run/haproxy.pid)} for HAProxy in master-worker mode (-W), or
 * {@code systemctl reload haproxy}.
 *
 * @param command the shell command line
 */
record ReloadCommand(String command) {

    static final long TIMEOUT_SECONDS = 30;

    /** What the command did: exit code (-1: timed out or could not start) and the tail of its output. */
    record Outcome(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    Outcome run() {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] out;
            try (var in = p.getInputStream()) {
                // a reload command that forks a daemon keeping our pipe open must not hang the edge: read in a thread
                var reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return in.readAllBytes();
                    } catch (IOException e) {
                        return new byte[0];
                    }
                });
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    return new Outcome(-1, "timed out after " + TIMEOUT_SECONDS + " s");
                }
                out = reader.completeOnTimeout(new byte[0], 2, TimeUnit.SECONDS).join();
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            return new Outcome(p.exitValue(), text.length() > 500 ? text.substring(text.length() - 500) : text);
        } catch (IOException e) {
            return new Outcome(-1, "cannot run /bin/sh: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        }
    }
}
