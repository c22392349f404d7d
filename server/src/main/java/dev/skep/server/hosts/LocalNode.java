package dev.skep.server.hosts;

import dev.skep.hosts.HostFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node on this machine's PATH: the version every host of the cluster runs, and the binary to copy. */
final class LocalNode {

    private LocalNode() {
    }

    static Path onPath() throws HostFailure {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
            Path node = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(node)) {
                try {
                    return node.toRealPath();
                } catch (IOException e) {
                    return node;
                }
            }
        }
        throw new HostFailure("no node on this machine's PATH: skep hosts add gives every host the node this machine "
                + "runs; install Node.js 20+ here first");
    }

    static String version() throws HostFailure {
        return output(onPath().toString(), "--version").strip();
    }

    /** The node binary, when it needs no shared library of its own (as the official builds); else a clear failure. */
    static Path standaloneBinary() throws HostFailure {
        Path node = onPath();
        String libraries;
        try {
            libraries = output("ldd", node.toString());
        } catch (HostFailure noLdd) {
            return node;
        }
        if (libraries.contains("libnode")) {
            throw new HostFailure("this machine's node (" + node + ") is built on a shared libnode (as Debian's "
                    + "nodejs package), which cannot be copied alone: install node " + version() + " on the host "
                    + "(e.g. apt-get install nodejs there), then run skep hosts add again");
        }
        return node;
    }

    private static String output(String... command) throws HostFailure {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new HostFailure(String.join(" ", command) + " failed: " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new HostFailure("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostFailure("interrupted running " + command[0]);
        }
    }
}
