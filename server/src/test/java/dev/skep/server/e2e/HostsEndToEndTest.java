package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * skep hosts against a real sshd (Debian's openssh-server, Ed25519 host key and login key) in a network namespace:
 * a `skep server` whose ZooKeeper listens on the veth address (plain and TLS) grows by one agent over SSH; an app
 * placed there serves through the server's router; a second add changes nothing; a router added over ZooKeeper TLS
 * serves it too; unknown and changed host keys and a refused login fail with what to do; upgrade drains, restarts
 * and undrains it without a failed request; a directory another cluster installed is taken over only with --force;
 * rm drains it under load without a failed request, stops and uninstalls the agent. The first add meets a full
 * remote disk, then one that fills while Java is unpacked. Root only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostsEndToEndTest {

    @TempDir
    static Path dir;

    static SshNamespace ns;
    static SkepServerProcess server;
    static Path small;
    static Path remote;
    static Path knownHosts;
    static String hostId;
    static final String APP = "alice/far";
    static final List<Long> appPids = new ArrayList<>(); // the remote agent keeps its apps when it stops
    static TestCa ca; // signed the certificate of the server's ZooKeeper TLS port
    static int zkTlsPort;

    @BeforeAll
    static void start() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "root only");
        // the agent's dir is on a file system of its own, 2 MiB until the first add has met a full disk; mounted
        // before sshd starts: ip netns exec gives it a copy of the mounts there are then (a remount reaches both)
        small = dir.resolve("small");
        Files.createDirectories(small);
        SshNamespace.must("mount", "-t", "tmpfs", "-o", "size=2m,mode=0711", "tmpfs", small.toString());
        ns = SshNamespace.start(dir.resolve("ssh"), "ed25519"); // HostsCreateEndToEndTest's has ECDSA keys
        Assumptions.assumeTrue(ns != null, "no network namespace with sshd here (needs root, ip netns, "
                + "/usr/sbin/sshd)");
        remote = small.resolve("remote");
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "");
        hostId = ns.address.replace('.', '-');
        // its ZooKeeper also serves TLS, with a certificate naming the address the host reaches it at
        ca = TestCa.create(dir, "zk");
        Path[] cert = ca.sign(dir, "zk-server", ns.here);
        Path keystore = dir.resolve("zk-keystore.pem");
        Files.writeString(keystore, Files.readString(cert[1]) + Files.readString(cert[0]));
        zkTlsPort = SkepServerProcess.freePort();
        // --agent-grace: an agent restarting (skep hosts upgrade) keeps its instances
        server = new SkepServerProcess(dir.resolve("server/data"), List.of("--bind", "0.0.0.0", "--advertise", ns.here,
                "--zk-bind", ns.here, "--agent-grace", "60", "--zk-tls-port", String.valueOf(zkTlsPort),
                "--zk-tls-keystore", keystore.toString()), Map.of()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        // whatever the test left running "there": the supervisor loop and the role, by the pids they wrote
        if (remote != null) {
            for (String name : List.of("supervisor.pid", "role.pid")) {
                for (Path pid : List.of(remote.resolve("run").resolve(name),
                        dir.resolve("remote-router/run").resolve(name), dir.resolve("remote-foreign/run").resolve(name))) {
                    if (Files.exists(pid)) {
                        ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroy);
                    }
                }
            }
        }
        for (long pid : appPids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        if (server != null) {
            server.close();
        }
        if (ns != null) {
            ns.close();
        }
        Mounts.release(dir);
    }

    /** `skep hosts ARGS...` in a JVM of its own, as a user runs it on the server's host. */
    static CliRun hosts(String... args) throws Exception {
        return hosts(dir, server, args);
    }

    /** `skep hosts ARGS...` against {@code server}, its output in files under {@code dir}. */
    static CliRun hosts(Path dir, SkepServerProcess server, String... args) throws Exception {
        return Started.start(dir, server, args).await();
    }

    /** A `skep hosts` run going on, whose output can be read while it runs. */
    record Started(List<String> args, Process process, Path out, Path err, long startNanos) {

        static Started start(Path dir, SkepServerProcess server, String... args) throws Exception {
            List<String> command = new ArrayList<>(TestJvm.command("dev.skep.server.Main", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider"));
            command.addAll(List.of("hosts", "--data-dir", server.dataDir.toString()));
            command.addAll(List.of(args));
            Path out = Files.createTempFile(dir, "hosts", ".out");
            Path err = Files.createTempFile(dir, "hosts", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            return new Started(List.of(args), process, out, err, System.nanoTime());
        }

        String outSoFar() throws IOException {
            return Files.readString(out);
        }

        CliRun await() throws Exception {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
            CliRun run = new CliRun(args, process.waitFor(), Files.readString(out), Files.readString(err));
            // in the class's failsafe output: where a slow run spent its time (each step line has its seconds)
            System.out.printf("event=hosts.run args=%s exit=%d ms=%d%n%s%s%n", String.join(" ", args), run.exit(),
                    (System.nanoTime() - startNanos) / 1_000_000, run.out(), run.err());
            return run;
        }
    }

    static List<String> add(String... extra) {
        List<String> args = new ArrayList<>(List.of("add", "ssh://root@" + ns.address, "--identity",
                ns.userKey.toString(), "--known-hosts", knownHosts.toString(), "--remote-dir", remote.toString(),
                "--app-ports", "21700-21799", "--service", "detached"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    @Order(1)
    void anUnknownHostKeyIsRefusedUntilAccepted() throws Exception {
        CliRun refused = hosts(add().toArray(String[]::new)).expect(1);
        assertThat(refused.err()).contains("the host key of " + ns.address).contains("is not in " + knownHosts)
                .contains("--accept-new-host-key");
        assertThat(Files.readString(knownHosts)).isEmpty();
        assertThat(remote).doesNotExist();
    }

    /**
     * The first add finds the remote file system full: it fails before copying Java, saying where and what to do, and
     * starts nothing. The second has room by the free-space check, but the disk fills while Java is unpacked: it
     * fails the same way and leaves no half-unpacked copy. Once there is room the same command installs and starts
     * the agent.
     */
    @Test
    @Order(2)
    void addCopiesJavaAndSkepStartsAnAgentThereAndWaitsUntilItJoined() throws Exception {
        CliRun full = hosts(add("--accept-new-host-key", "--copy-java").toArray(String[]::new)).expect(1);
        assertThat(full.err()).contains("no space left on the device at " + ns.address + ":" + remote.resolve("jdk"),
                "MiB free", "Free space there", "--remote-dir on a larger file system", "run the same command again");
        assertThat(remote.resolve("run/supervisor.pid")).as("nothing started").doesNotExist();
        assertThat(remote.resolve("run/role.pid")).doesNotExist();
        assertThat(remote.resolve("jdk.new")).as("nothing left half-copied").doesNotExist();
        assertThat(Http.get(server.api("/v1/agents"), server.token()).json().toString()).doesNotContain(hostId);
        assertThat(hosts().expect(0).out().lines().filter(l -> l.startsWith(hostId))).singleElement().asString()
                .contains(" installing ");

        // room by the free-space check, but the disk fills while Java is unpacked there (few inodes left: ENOSPC
        // as from a full disk): it fails saying so, removes the half-unpacked copy and starts nothing
        SshNamespace.must("mount", "-o", "remount,size=2g,nr_inodes=" + (inodesUsed(small) + 25), small.toString());
        CliRun filled = hosts(add("--accept-new-host-key", "--copy-java").toArray(String[]::new)).expect(1);
        assertThat(filled.err()).contains("no space left on the device at " + ns.address + ":" + remote.resolve("jdk"),
                "the copy stopped there", "No space left on device", "run the same command again");
        assertThat(remote.resolve("jdk.new")).as("the half-unpacked copy is removed").doesNotExist();
        assertThat(remote.resolve("jdk")).doesNotExist();
        assertThat(remote.resolve("run/supervisor.pid")).as("nothing started").doesNotExist();
        assertThat(remote.resolve("run/role.pid")).doesNotExist();
        assertThat(Http.get(server.api("/v1/agents"), server.token()).json().toString()).doesNotContain(hostId);

        SshNamespace.must("mount", "-o", "remount,nr_inodes=1000000", small.toString());

        CliRun added = hosts(add("--accept-new-host-key", "--copy-java").toArray(String[]::new)).expect(0);
        assertThat(added.out()).contains("==> checking the host", "Linux", "copying this machine's runtime",
                "==> node", "==> skep", "/etc/zk.secret (0600)", "started a detached supervisor",
                "agent " + hostId + " registered", "is ready");
        assertThat(Files.readString(knownHosts)).startsWith(ns.address + " ssh-ed25519 ");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(remote.resolve("etc/zk.secret"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(remote.resolve("etc/zk.secret")))
                .isEqualTo(Files.readString(server.dataDir.resolve("zk.secret")).strip() + "\n");
        long role = Long.parseLong(Files.readString(remote.resolve("run/role.pid")).strip());
        // the agent runs "there": in the namespace sshd serves, outliving the SSH session that started it
        assertThat(SshNamespace.netnsOf(role)).isNotEqualTo(SshNamespace.netnsOf(ProcessHandle.current().pid()));
        assertThat(ProcessHandle.of(role).map(ProcessHandle::isAlive)).contains(true);
        JsonNode agents = Http.get(server.api("/v1/agents"), server.token()).json();
        assertThat(agents.toString()).contains("\"" + hostId + "\"").contains(ns.address);
    }

    @Test
    @Order(3)
    void aSecondAddChangesNothing() throws Exception {
        String role = Files.readString(remote.resolve("run/role.pid")).strip();
        CliRun again = hosts(add().toArray(String[]::new)).expect(0);
        assertThat(again.out()).contains("found " + remote.resolve("jdk/bin/java"), "all current",
                "nothing changed", "is ready");
        // each step found its part in place and says so: Java, node, skep's files, the secret, the running agent
        assertThat(again.out().lines().filter(l -> l.startsWith("    unchanged: "))).hasSize(5);
        assertThat(Files.readString(remote.resolve("run/role.pid")).strip()).isEqualTo(role);

        // an install cut short: a jar missing there, and not in its manifest (written last); the next add repairs
        Path manifest = remote.resolve("skep/manifest");
        List<String> lines = Files.readAllLines(manifest);
        String lost = lines.get(lines.size() - 1).split(" ")[0];
        Files.write(manifest, lines.subList(0, lines.size() - 1));
        deleteTree(remote.resolve("skep/cp").resolve(lost));
        CliRun repaired = hosts(add().toArray(String[]::new)).expect(0);
        assertThat(repaired.out()).contains("sent 1 of " + lines.size() + " files", "restarts the agent",
                "agent " + hostId + " registered");
        assertThat(remote.resolve("skep/cp").resolve(lost)).exists();
        assertThat(Files.readAllLines(manifest)).hasSize(lines.size());
    }

    /** How many inodes the file system holding {@code path} has in use (df -i). */
    static long inodesUsed(Path path) throws Exception {
        Process df = new ProcessBuilder("df", "-Pi", path.toString()).redirectErrorStream(true).start();
        List<String> lines = new String(df.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(df.waitFor()).as(String.join("\n", lines)).isZero();
        return Long.parseLong(lines.get(1).trim().split("\\s+")[2]);
    }

    static void deleteTree(Path path) throws IOException {
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    @Order(4)
    void anAppPlacedThereServesThroughTheRouter() throws Exception {
        String token = server.token();
        String local = null;
        for (JsonNode agent : Http.get(server.api("/v1/agents"), token).json()) {
            if (!agent.get("id").asText().equals(hostId)) {
                local = agent.get("id").asText();
            }
        }
        assertThat(Http.send("POST", server.api("/v1/agents/" + local + "/drain"), token, "application/json",
                new byte[0]).status()).isEqualTo(200);
        Http.Answer deploy = Http.send("POST", server.api("/v1/apps/" + APP + "/releases"), token, "application/gzip",
                Fixtures.tarball("hello"));
        assertThat(deploy.status()).as(deploy.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> readyOn(ns.address));
        pidOn(ns.address);
        assertThat(Http.hosted(server.routerPort, "far.alice.localhost", "/").status()).isEqualTo(200);
        assertThat(Http.send("POST", server.api("/v1/agents/" + local + "/undrain"), token, "application/json",
                new byte[0]).status()).isEqualTo(200);
    }

    /**
     * A router on the same host (its own --remote-dir) joins and serves the app at the host's address. It is added
     * with --zk-tls-truststore: the CA goes there (0600) and the router reaches ZooKeeper at the server's TLS port
     * (DATA/zk.tls.connect); an upgrade without the flag is refused. Its first add loses its SSH connection in
     * the middle, and the second repairs it.
     */
    @Test
    @Order(5)
    void aRouterAddedThereOverZooKeeperTlsServesTheApp() throws Exception {
        Path routerDir = dir.resolve("remote-router");
        String tls = ns.here + ":" + zkTlsPort;
        String[] add = {"--zk-tls-truststore", ca.cert().toString(), "add", "ssh://root@" + ns.address, "--identity",
                ns.userKey.toString(), "--known-hosts", knownHosts.toString(), "--remote-dir", routerDir.toString(),
                "--role", "router", "--service", "detached", "--copy-java"};

        // the first try loses its SSH connection while it copies Java: it fails saying so, the host shows installing
        Started cut = Started.start(dir, server, add);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> cut.outSoFar().contains("copying this machine's runtime") || !cut.process().isAlive());
        assertThat(ns.dropSessions()).as("SSH connections cut").isPositive();
        CliRun failed = cut.await().expect(1);
        assertThat(failed.err()).contains("the SSH connection to " + ns.address + " failed",
                "Run the same command again");
        assertThat(hosts().expect(0).out().lines().filter(l -> l.startsWith("router-" + hostId)))
                .singleElement().asString().contains(" installing ");

        // the same command again repairs it
        CliRun added = hosts(add).expect(0);
        assertThat(added.out()).contains("copying this machine's runtime", "==> ZooKeeper TLS", "/etc/zk-tls-truststore.pem (0600) from " + ca.cert(),
                "==> starting skep router", "joined the cluster at " + tls, "routes at " + ns.address + ":8080",
                "skep router router-" + hostId + " at " + ns.address + " is ready");
        Path trust = routerDir.resolve("etc/zk-tls-truststore.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(trust))).isEqualTo("rw-------");
        assertThat(Files.readString(trust)).isEqualTo(Files.readString(ca.cert()));
        assertThat(Files.readString(routerDir.resolve("bin/run"))).contains("'--zk' '" + tls + "'",
                "'--zk-tls-truststore' '" + trust + "'");
        assertThat(Files.readString(routerDir.resolve("log/router.log"))).contains("event=zookeeper.connected zk="
                + tls);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(ns.address, "far.alice.localhost") == 200);
        assertThat(hosts().expect(0).out()).contains("router-" + hostId);
        assertThat(hosts("upgrade", "router-" + hostId).expect(1).err())
                .contains("was added with ZooKeeper over TLS: give skep hosts the same --zk-tls-* flags");
        long role = Long.parseLong(Files.readString(routerDir.resolve("run/role.pid")).strip());
        CliRun removed = hosts("--zk-tls-truststore", ca.cert().toString(), "rm", "router-" + hostId).expect(0);
        assertThat(removed.out()).contains("removed router-" + hostId).doesNotContain("draining");
        assertThat(ProcessHandle.of(role).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(routerDir).doesNotExist();
    }

    /** GET / with {@code Host: host} from a router at {@code address}:8080; 0 when it does not answer. */
    static int status(String address, String host) {
        try (Socket socket = new Socket(address, 8080)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(head.substring(9, 12));
        } catch (Exception e) {
            return 0;
        }
    }

    @Test
    @Order(6)
    void hostsListsItsRoleAddressVersionStateAndInstances() throws Exception {
        CliRun list = hosts().expect(0);
        assertThat(list.out()).contains("HOST", "ROLE", "ADDRESS", "VERSION", "STATE", "INSTANCES", "LOAD");
        String line = list.out().lines().filter(l -> l.startsWith(hostId)).findFirst().orElseThrow();
        assertThat(line.split("\\s+")).containsSequence(hostId, "agent", ns.address, "dev", "ready", "1", "mem");
        // the load: the host's memory in use, from the agent's heartbeats
        assertThat(line).containsPattern(" 1 +mem ([1-9][0-9]?|100)% ");
    }

    /**
     * An upgrade drains the agent (its app starts on the server's agent and gets ready first), replaces skep
     * there, restarts the agent and undrains it: not one request fails meanwhile.
     */
    @Test
    @Order(7)
    void upgradeDrainsRestartsAndUndrainsTheAgentWithoutAFailedRequest() throws Exception {
        long role = Long.parseLong(Files.readString(remote.resolve("run/role.pid")).strip());
        CliRun upgraded = underLoadWithoutAFailedRequest("upgrade", hostId).expect(0);
        assertThat(upgraded.out()).contains("draining " + hostId, "no instance left", "restarts the agent",
                "agent " + hostId + " registered", "is ready", "undrained " + hostId);
        assertThat(Long.parseLong(Files.readString(remote.resolve("run/role.pid")).strip())).isNotEqualTo(role);
        assertThat(readyOn(ns.here)).isTrue();
        JsonNode agent = null;
        for (JsonNode a : Http.get(server.api("/v1/agents"), server.token()).json()) {
            if (a.get("id").asText().equals(hostId)) {
                agent = a;
            }
        }
        assertThat(agent).isNotNull();
        assertThat(agent.get("state").asText()).isEqualTo("ready");
    }

    @Test
    @Order(8)
    void aChangedHostKeyAndARefusedLoginFailWithWhatToDo() throws Exception {
        Path other = SshNamespace.newKey(dir.resolve("other_key"));
        Path wrongKnown = dir.resolve("known_hosts_wrong");
        Files.writeString(wrongKnown, ns.address + " " + Files.readString(Path.of(other + ".pub")).strip() + "\n");
        CliRun changed = hosts("add", "ssh://root@" + ns.address, "--identity", ns.userKey.toString(),
                "--known-hosts", wrongKnown.toString(), "--accept-new-host-key", "--remote-dir", remote.toString())
                .expect(1);
        assertThat(changed.err()).contains("the host key of " + ns.address + " has CHANGED")
                .contains("ssh-keygen -R");
        CliRun login = hosts("add", "ssh://root@" + ns.address, "--identity", other.toString(),
                "--known-hosts", knownHosts.toString(), "--remote-dir", remote.toString()).expect(1);
        assertThat(login.err()).contains("the login as root on " + ns.address + " was refused")
                .contains("authorized_keys");
        // a host another cluster installed (another secret) is not taken over
        Path otherSecret = Files.createFile(dir.resolve("other.secret"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(otherSecret, "another-cluster-secret-0123456789abcdef0123456789abcdef");
        List<String> args = new ArrayList<>(List.of("--zk-secret", otherSecret.toString()));
        args.addAll(add());
        CliRun taken = hosts(args.toArray(String[]::new)).expect(1);
        assertThat(taken.err()).contains("belongs to another skep cluster");
        assertThat(hosts().expect(0).out()).as("the refused adds left the host as it was").contains(" ready ");
    }

    @Test
    @Order(10)
    void rmDrainsTheHostStopsAndUninstallsItsAgentAndForgetsIt() throws Exception {
        long role = Long.parseLong(Files.readString(remote.resolve("run/role.pid")).strip());
        // two instances spread over both agents: one runs on the host when it is removed
        assertThat(Http.send("PATCH", server.api("/v1/apps/" + APP), server.token(), "application/json",
                "{\"instances\": 2}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> readyOn(ns.address));
        long app = pidOn(ns.address);
        CliRun removed = underLoadWithoutAFailedRequest("rm", hostId).expect(0);
        assertThat(removed.out()).contains("draining " + hostId, "no instance left", "removed " + hostId);
        assertThat(ProcessHandle.of(role).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(remote).doesNotExist();
        assertThat(ProcessHandle.of(app).map(ProcessHandle::isAlive).orElse(false)).as("its app process").isFalse();
        assertThat(readyOn(ns.here)).isTrue();
        assertThat(readyOn(ns.address)).isFalse();
        assertThat(Http.hosted(server.routerPort, "far.alice.localhost", "/").status()).isEqualTo(200);
        assertThat(hosts().expect(0).out()).contains("no hosts");
    }

    /**
     * A --remote-dir another cluster installed (its mark, its skep files, its restart loop and an app its agent left
     * running there) is refused, everything left running; with --force it is taken over: both stop, and a router of
     * this cluster runs there. That cluster ran this version of skep: its files are kept, not sent again.
     */
    @Test
    @Order(9)
    void aDirAnotherClusterInstalledIsTakenOverOnlyWithForce() throws Exception {
        Path foreign = dir.resolve("remote-foreign");
        Files.createDirectories(foreign);
        SshNamespace.must("cp", "-a", remote.resolve("skep").toString(), foreign.resolve("skep").toString());
        Files.createDirectories(foreign.resolve("etc"));
        Files.createDirectories(foreign.resolve("run"));
        Files.createDirectories(foreign.resolve("data/app"));
        String theirMark = "0123456789abcdef0123456789abcdef\n";
        Files.writeString(foreign.resolve("etc/cluster"), theirMark);
        Process loop = new ProcessBuilder("sleep", "600").start();
        Process app = new ProcessBuilder("sleep", "600").directory(foreign.resolve("data/app").toFile()).start();
        try {
            Files.writeString(foreign.resolve("run/supervisor.pid"), loop.pid() + "\n");
            List<String> add = new ArrayList<>(List.of("add", "ssh://root@" + ns.address, "--identity",
                    ns.userKey.toString(), "--known-hosts", knownHosts.toString(), "--remote-dir", foreign.toString(),
                    "--role", "router", "--service", "detached"));
            CliRun refused = hosts(add.toArray(String[]::new)).expect(1);
            assertThat(refused.err()).contains(foreign + " belongs to another skep cluster", "--force");
            assertThat(loop.isAlive() && app.isAlive()).as("what the other cluster runs there").isTrue();

            add.add("--force");
            CliRun taken = hosts(add.toArray(String[]::new)).expect(0);
            assertThat(taken.out()).contains("==> taking " + foreign + " over from another skep cluster (--force)",
                    "stopped what it ran there", "files, all current",
                    "skep router router-" + hostId + " at " + ns.address + " is ready");
            assertThat(loop.waitFor(10, TimeUnit.SECONDS)).as("the other cluster's restart loop stopped").isTrue();
            assertThat(app.waitFor(10, TimeUnit.SECONDS)).as("the app it left running stopped").isTrue();
            assertThat(Files.readString(foreign.resolve("etc/cluster"))).isNotEqualTo(theirMark);
            assertThat(foreign.resolve("data/app")).doesNotExist();
            hosts("rm", "router-" + hostId).expect(0);
            assertThat(foreign).doesNotExist();
        } finally {
            loop.destroyForcibly();
            app.destroyForcibly();
        }
    }

    /**
     * `skep hosts ARGS...` under a steady GET load of the app through the server's router: not one request may fail
     * meanwhile (the host's instances move first). The run, for its own checks.
     */
    static CliRun underLoadWithoutAFailedRequest(String... args) throws Exception {
        LoadLoop load = LoadLoop.paced("far.alice.localhost", server.routerPort, 1, Duration.ofMillis(20));
        CliRun run;
        LoadLoop.Result result;
        try {
            run = hosts(args);
        } finally {
            result = load.stop();
        }
        assertThat(result.failed()).as(String.join(" ", args) + ": " + result + "; it said: " + run.err()).isZero();
        assertThat(result.ok()).isPositive();
        return run;
    }

    static long pidOn(String host) throws Exception {
        JsonNode instances = Http.get(server.api("/v1/apps/" + APP), server.token()).json().get("instances");
        for (JsonNode i : instances) {
            if (host.equals(i.get("host").asText())) {
                appPids.add(i.get("pid").asLong());
                return i.get("pid").asLong();
            }
        }
        return 0;
    }

    static boolean readyOn(String host) throws Exception {
        JsonNode instances = Http.get(server.api("/v1/apps/" + APP), server.token()).json().get("instances");
        for (JsonNode i : instances) {
            if ("ready".equals(i.get("state").asText()) && host.equals(i.get("host").asText())) {
                return true;
            }
        }
        return false;
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
