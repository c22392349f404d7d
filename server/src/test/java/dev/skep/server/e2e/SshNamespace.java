package dev.skep.server.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A second "host" for skep hosts add: a network namespace joined to this one by a veth pair (10.231.N.1 here,
 * 10.231.N.2 there) with Debian's sshd listening inside, its own host key (ECDSA or Ed25519), root's login by one
 * authorized key of the same type.
 * It shares this machine's file system, so whatever it installs goes into a directory the test names. Closing
 * it stops sshd by pid and removes the namespace and the link. Root only.
 *
 * <p>{@link #startUnderSystemd} makes the host a systemd one: systemd runs as PID 1 of its own PID, mount and cgroup
 * namespaces there (the cgroup2 child {@code skep-e2e-NAME}) and starts sshd as a unit, so a login sees a running
 * systemd and systemctl works. It boots only {@code skep-e2e.target} from the units this class writes, with a private
 * /run and /etc/systemd/system: nothing of this machine's own boot, no unit installed there leaks out.
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
    private final boolean systemd;
    private Process sshd;

    private SshNamespace(Path dir, int subnet, String keyType, boolean systemd) {
        this.dir = dir;
        this.systemd = systemd;
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
        return start(dir, keyType, false);
    }

    /**
     * With ECDSA keys, sshd started by systemd as PID 1 there. Null where that cannot be (not root, no sshd, no
     * systemd, unshare or cgroup2 at /sys/fs/cgroup/unified or /sys/fs/cgroup): the caller skips.
     */
    static SshNamespace startUnderSystemd(Path dir) throws Exception {
        if (!Files.isExecutable(SYSTEMD) || !Files.isExecutable(Path.of("/usr/bin/unshare")) || cgroup2() == null) {
            return null;
        }
        return start(dir, "ecdsa", true);
    }

    private static final Path SYSTEMD = Path.of("/lib/systemd/systemd");

    /** Where this machine mounts cgroup2 (hybrid: /sys/fs/cgroup/unified), or null. */
    private static Path cgroup2() {
        for (Path p : List.of(Path.of("/sys/fs/cgroup/unified"), Path.of("/sys/fs/cgroup"))) {
            if (Files.exists(p.resolve("cgroup.procs")) && Files.exists(p.resolve("cgroup.subtree_control"))) {
                return p;
            }
        }
        return null;
    }

    private static SshNamespace start(Path dir, String keyType, boolean systemd) throws Exception {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/sbin/sshd"))) {
            return null;
        }
        Files.createDirectories(dir);
        for (int tries = 0; tries < 5; tries++) {
            SshNamespace ns = new SshNamespace(dir, 2 + ThreadLocalRandom.current().nextInt(250), keyType, systemd);
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
        if (systemd) {
            Files.writeString(dir.resolve("sshd.log"), "");
            sshd = bootSystemd(config);
        } else {
            Files.createDirectories(Path.of("/run/sshd")); // its privilege separation dir
            // ip netns exec execs sshd in the same process: this pid is sshd's
            sshd = new ProcessBuilder("ip", "netns", "exec", name, "/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(dir.resolve("sshd.log")).contains("Server listening")) {
            if (!sshd.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log"))
                        + (systemd ? "; systemd: " + readLog("systemd.log") : ""));
            }
            Thread.sleep(50);
        }
    }

    /**
     * Starts systemd as PID 1 in new PID, mount and cgroup namespaces inside the network namespace, sshd one of its
     * units. The process returned is unshare's (sh and nsenter exec it): with --kill-child its death takes PID 1 and so
     * every process there with it.
     */
    private Process bootSystemd(Path sshdConfig) throws Exception {
        Path units = Files.createDirectories(dir.resolve("units"));
        for (String target : List.of("sysinit", "basic", "multi-user", "shutdown", "network", "network-online")) {
            // what a service's default dependencies and skep's unit name, empty: nothing of this machine's boot runs
            Files.writeString(units.resolve(target + ".target"), "[Unit]\nDescription=" + target + " (skep e2e)\n");
        }
        Files.writeString(units.resolve("skep-e2e.target"), "[Unit]\nDescription=skep e2e host\n"
                + "Wants=multi-user.target sshd-e2e.service\nAfter=multi-user.target\n");
        Files.writeString(units.resolve("sshd-e2e.service"), "[Unit]\nDescription=sshd (skep e2e)\n[Service]\n"
                + "ExecStart=/usr/sbin/sshd -D -e -f " + sshdConfig + "\nStandardError=append:" + dir.resolve("sshd.log")
                + "\nKillMode=process\n");
        String cgroup = cgroup2().resolve("skep-e2e-" + name).toString();
        // the outer shell moves itself into its own cgroup2 child first: the cgroup namespace's root is that. There,
        // cgroup2 alone at /sys/fs/cgroup (this machine's v1 mounts unmounted): a unified host, as systemd finds it
        String inner = "set -e; mount -t tmpfs tmpfs /run; mkdir -p /run/sshd /run/units-etc; "
                + "mount --bind /run/units-etc /etc/systemd/system; umount -R /sys/fs/cgroup; "
                + "mount -t cgroup2 cgroup2 /sys/fs/cgroup; "
                + "exec env -i container=skep-e2e SYSTEMD_UNIT_PATH=/etc/systemd/system:" + units + " " + SYSTEMD
                + " --system --unit=skep-e2e.target --log-target=console";
        // nsenter, not ip netns exec: that mounts a fresh /sys, without this machine's cgroup mounts
        String outer = "mkdir -p " + cgroup + " && echo $$ > " + cgroup + "/cgroup.procs && exec nsenter --net=/run/netns/"
                + name + " unshare --pid --mount --cgroup --fork --kill-child --mount-proc --propagation private "
                + "/bin/sh -c '" + inner + "'";
        return new ProcessBuilder("/bin/sh", "-c", outer).redirectErrorStream(true)
                .redirectOutput(dir.resolve("systemd.log").toFile()).start();
    }

    /** `systemctl ARGS` as run on the host (systemd mode): what it printed. */
    String systemctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("systemctl"));
        command.addAll(List.of(args));
        return onHost(command.toArray(String[]::new));
    }

    /** A command run on the host (systemd mode), in all its namespaces, as root there: what it printed. */
    String onHost(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(pid1()), "-a"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out.strip();
    }

    /** The pid, as this machine sees it, of the host's PID 1 (systemd mode). */
    long pid1() {
        return sshd.toHandle().children().findFirst().orElseThrow(() -> new IllegalStateException(
                "systemd is not running there: " + readLog("systemd.log"))).pid();
    }

    private String readLog(String file) {
        try {
            return Files.readString(dir.resolve(file));
        } catch (IOException e) {
            return "(no " + file + ")";
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

    /** Runs {@code command}, failing with what it printed unless it exits 0 within 30 s. */
    static void must(String... command) throws Exception {
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
        if (systemd) { // PID 1 is gone with unshare (--kill-child): its cgroups are empty, remove them deepest first
            Path cgroup = cgroup2().resolve("skep-e2e-" + name);
            for (int tries = 0; tries < 50 && Files.exists(cgroup); tries++) {
                try (var tree = Files.walk(cgroup)) {
                    tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder())
                            .forEach(d -> d.toFile().delete());
                }
                Thread.sleep(100);
            }
        }
        run("ip", "link", "del", hostSide); // takes its peer with it
        run("ip", "netns", "del", name);
    }
}
