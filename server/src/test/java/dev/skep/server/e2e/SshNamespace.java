package dev.skep.server.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A second "host" for skep hosts add: a network namespace joined to this one by a veth pair (10.231.N.1 here,
 * 10.231.N.2 there) with Debian's sshd listening inside, its own host key (ECDSA or Ed25519), root's login by one
 * authorized key of the same type.
 * It shares this machine's file system, so whatever it installs goes into a directory the test names. Closing
 * it stops sshd by pid and removes the namespace and the link. Root only.
 */
final class SshNamespace implements AutoCloseable {

    final String name;
    final String hostSide;
    final String address;
    final String here;
    final Path hostKey;
    final Path userKey;
    final String keyType;
    private final Path dir;
    private Process sshd;

    private SshNamespace(Path dir, int subnet, String keyType) {
        this.dir = dir;
        this.name = "skep-hosts-" + subnet;
        this.hostSide = "vsh" + subnet + "a";
        this.here = "10.231." + subnet + ".1";
        this.address = "10.231." + subnet + ".2";
        this.keyType = keyType;
        this.hostKey = dir.resolve("ssh_host_" + keyType + "_key");
        this.userKey = dir.resolve("id_" + keyType);
    }

    /** With ECDSA keys: see {@link #start(Path, String)}. */
    static SshNamespace start(Path dir) throws Exception {
        return start(dir, "ecdsa");
    }

    /**
     * Null when this machine cannot make one (not root, no ip netns, no sshd): the caller skips.
     *
     * @param keyType ssh-keygen's -t for sshd's host key and root's login key: ecdsa or ed25519
     */
    static SshNamespace start(Path dir, String keyType) throws Exception {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/sbin/sshd"))) {
            return null;
        }
        Files.createDirectories(dir);
        for (int tries = 0; tries < 5; tries++) {
            SshNamespace ns = new SshNamespace(dir, 2 + ThreadLocalRandom.current().nextInt(250), keyType);
            if (run("ip", "netns", "add", ns.name) != 0) {
                continue; // taken by a test beside us, or no netns at all
            }
            try {
                ns.wire();
                return ns;
            } catch (Exception e) {
                ns.close();
                throw e;
            }
        }
        return null;
    }

    private void wire() throws Exception {
        String peer = hostSide.substring(0, hostSide.length() - 1) + "b";
        must("ip", "link", "add", hostSide, "type", "veth", "peer", "name", peer);
        must("ip", "link", "set", peer, "netns", name);
        must("ip", "addr", "add", here + "/24", "dev", hostSide);
        must("ip", "link", "set", hostSide, "up");
        must("ip", "netns", "exec", name, "ip", "addr", "add", address + "/24", "dev", peer);
        must("ip", "netns", "exec", name, "ip", "link", "set", peer, "up");
        must("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        must("ip", "netns", "exec", name, "ip", "route", "add", "default", "via", here);
        must("ssh-keygen", "-q", "-t", keyType, "-N", "", "-f", hostKey.toString());
        must("ssh-keygen", "-q", "-t", keyType, "-N", "", "-f", userKey.toString());
        Files.copy(Path.of(userKey + ".pub"), dir.resolve("authorized_keys"));
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n", "Port 22", "ListenAddress " + address, "HostKey " + hostKey,
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PermitRootLogin prohibit-password",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
                "PidFile " + dir.resolve("sshd.pid"), "Subsystem sftp internal-sftp", ""));
        Files.createDirectories(Path.of("/run/sshd")); // its privilege separation dir
        // ip netns exec execs sshd in the same process: this pid is sshd's
        sshd = new ProcessBuilder("ip", "netns", "exec", name, "/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(dir.resolve("sshd.log")).contains("Server listening")) {
            if (!sshd.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
            }
            Thread.sleep(50);
        }
    }

    /**
     * Cuts every SSH connection open now, as a network or host failure would: kills sshd's process for each
     * (its children, by pid), while sshd itself keeps listening. How many it cut.
     */
    int dropSessions() {
        List<ProcessHandle> sessions = sshd.toHandle().children().toList();
        sessions.forEach(ProcessHandle::destroyForcibly);
        return sessions.size();
    }

    /** A fresh key pair in {@code file} (for a login the host refuses, or a wrong host key). */
    static Path newKey(Path file) throws Exception {
        must("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", file.toString());
        return file;
    }

    /** The namespace a process lives in, as /proc shows it. */
    static String netnsOf(long pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
    }

    private static void must(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static int run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    @Override
    public void close() throws Exception {
        if (sshd != null) {
            sshd.destroy();
            if (!sshd.waitFor(10, TimeUnit.SECONDS)) {
                sshd.destroyForcibly();
            }
        }
        run("ip", "link", "del", hostSide); // takes its peer with it
        run("ip", "netns", "del", name);
    }
}
