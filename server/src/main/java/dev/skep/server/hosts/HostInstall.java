package dev.skep.server.hosts;

import static dev.skep.hosts.Shell.quote;

import dev.skep.hosts.HostFailure;
import dev.skep.hosts.Result;
import dev.skep.hosts.SshHost;
import dev.skep.model.AgentInfo;
import dev.skep.model.RouterEndpoint;
import dev.skep.model.hash.Sha256;
import dev.skep.supervise.Agent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `skep hosts add`: installs a cluster role on a host over SSH, step by step, printing each. Every step
 * looks at what is there first, so a second run (or one after a broken install) repairs what is missing or
 * stale and otherwise changes nothing.
 */
public final class HostInstall {

    static final Duration SHORT = Duration.ofSeconds(30);
    static final Duration COPY = Duration.ofMinutes(10);
    static final Duration JOIN = Duration.ofSeconds(120);
    /** How a step that found everything in place begins its line: a repair run shows what it left alone. */
    static final String UNCHANGED = "unchanged: ";

    private final AddRequest request;
    private final Steps steps;
    private final ZkTlsFiles tlsFiles;
    private final String version;

    private final boolean restart;
    private final boolean takeOver;

    /**
     * @param restart  restart the role even when nothing changed (skep hosts upgrade)
     * @param takeOver take a directory another cluster installed over (add --force): what runs there stops
     */
    HostInstall(AddRequest request, PrintWriter out, String version, boolean restart, boolean takeOver) {
        this.request = request;
        this.steps = new Steps(out);
        this.tlsFiles = new ZkTlsFiles(request.zkTls(), steps);
        this.version = version;
        this.restart = restart;
        this.takeOver = takeOver;
    }

    void run() throws HostFailure, IOException {
        AddRequest r = request;
        String secret = Files.readString(r.zkSecret()).strip();
        steps.step("connecting to " + r.target() + " (host key checked against " + r.knownHosts() + ")");
        try (SshHost host = SshHost.connect(r.target(), r.identities(), r.knownHosts(), r.acceptNewHostKey())) {
            steps.done("logged in as " + r.target().user());
            HostFacts facts = facts(host);
            String dir = r.remoteDir() != null ? r.remoteDir() : facts.uid() == 0 ? "/opt/skep" : facts.home() + "/skep";
            if (!dir.startsWith("/")) {
                dir = facts.home() + "/" + dir;
            }
            HostRecord record = new HostRecord(r.recordId(), r.target().toString(), r.role(), dir, r.advertiseHost(),
                    service(facts), version, "installing", Instant.now(),
                    r.identities().isEmpty() ? null : r.identities().get(0).toString(), r.knownHosts().toString(),
                    r.appPorts(), r.zkTls() != null, r.cloud());
            Optional<HostRecord> before = HostRecord.find(r.data(), record.id());
            if (before.isPresent()) { // an add again keeps when it was first added, and the server it was made on
                record = new HostRecord(record.id(), record.target(), record.role(), record.dir(), record.advertise(),
                        record.service(), version, "installing", before.get().added(), record.identity(),
                        record.knownHosts(), record.appPorts(), record.zkTls(),
                        r.cloud() != null ? r.cloud() : before.get().cloud());
            }

            steps.step("preparing " + dir);
            host.check("creating " + dir, "mkdir -p " + quote(dir) + "/bin " + quote(dir) + "/skep/cp " + quote(dir)
                    + "/data " + quote(dir) + "/log " + quote(dir) + "/run " + quote(dir) + "/etc && chmod 700 "
                    + quote(dir + "/etc") + " && chmod 711 " + quote(dir), SHORT);
            claimForThisCluster(host, dir, secret);
            record.save(r.data()); // from here on an install cut short shows as installing

            RemoteRuntimes runtimes = new RemoteRuntimes(host, dir, steps);
            steps.step("Java 21+");
            String[] java = runtimes.java(request.copyJava());
            steps.step("node " + LocalNode.version());
            String nodeDir = runtimes.node();
            steps.step("skep " + version);
            List<String> classPath = copySkep(host, dir);
            steps.step("cluster secret");
            boolean secretWritten = writeIfChanged(host, dir + "/etc/zk.secret", secret + "\n", "600");
            steps.done((secretWritten ? "" : UNCHANGED) + dir + "/etc/zk.secret (0600)");
            boolean tlsChanged = tlsFiles.copy(host, dir);

            RoleSetup setup = new RoleSetup(dir, java[0], Integer.parseInt(java[1]), nodeDir, classPath,
                    roleArgs(dir, record.id()));
            steps.step("starting skep " + r.role() + " (" + record.service() + ")");
            boolean changed = writeIfChanged(host, dir + "/bin/run", setup.runScript(), "755") | skepChanged | tlsChanged
                    | restart;
            Instant runningSince = changed ? registeredSince(record) : null; // a restart must show a new start
            if ("systemd".equals(record.service())) {
                startSystemd(host, setup, changed);
            } else {
                startDetached(host, setup, dir, changed);
            }
            steps.step("waiting until it has joined the cluster at " + r.zk());
            waitUntilJoined(host, record, dir, runningSince);
            record.withState("ready").save(r.data());
            steps.out().println("skep " + r.role() + " " + record.id() + " at " + record.advertise() + " is ready ("
                    + r.target() + ", " + dir + ")");
            steps.out().flush();
        }
    }

    private String service(HostFacts facts) throws HostFailure {
        return switch (request.service()) {
            case "systemd" -> {
                if (!facts.systemd() || facts.uid() != 0) {
                    throw new HostFailure("--service systemd needs systemd running on " + request.target().host()
                            + " and a root login; use --service detached (a restart loop started with setsid)");
                }
                yield "systemd";
            }
            case "detached" -> "detached";
            default -> facts.systemd() && facts.uid() == 0 ? "systemd" : "detached";
        };
    }

    /** Checked before anything is made or copied there. */
    private HostFacts facts(SshHost host) throws HostFailure {
        steps.step("checking the host");
        HostFacts facts = HostFacts.parse(request.target().host(), host.check("looking at the host", HostFacts.COMMAND,
                SHORT));
        facts.requireSupported(request.target().host(), localArch());
        steps.done(facts.os() + " " + facts.arch() + ", uid " + facts.uid()
                + (facts.systemd() ? ", systemd" : ", no systemd"));
        return facts;
    }

    static String localArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
    }

    /** A host belongs to one cluster: the digest of its secret, kept there, must be ours (or absent). */
    private void claimForThisCluster(SshHost host, String dir, String secret) throws HostFailure {
        String ours = HexFormat.of().formatHex(Sha256.newDigest().digest(
                ("skep-cluster:" + secret).getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        Result current = host.run("cat " + quote(dir + "/etc/cluster") + " 2>/dev/null", SHORT);
        String theirs = current.out().strip();
        boolean foreign = !theirs.isEmpty() && !theirs.equals(ours);
        if (foreign && !takeOver) {
            throw new HostFailure(request.target().host() + ":" + dir + " belongs to another skep cluster (its "
                    + "secret differs). Remove it there first (skep hosts rm on that cluster), install into "
                    + "another --remote-dir, or take it over with --force (what that cluster runs there stops, "
                    + "its apps with it)");
        }
        if (foreign) {
            steps.step("taking " + dir + " over from another skep cluster (--force)");
            host.check("stopping the other cluster's role", RoleStop.systemdUnitsOf(dir) + "; "
                    + RoleStop.detached(dir), Duration.ofSeconds(90));
            host.check("stopping the other cluster's apps", RoleStop.processesUnder(dir), SHORT);
            host.check("removing the other cluster's state", RoleStop.unmountAndRemove(dir + "/data") + " && mkdir -p "
                    + quote(dir + "/data"), Duration.ofMinutes(2));
            steps.done("stopped what it ran there; " + dir + "/data emptied");
        }
        if (theirs.isEmpty() || foreign) {
            host.upload(new ByteArrayInputStream((ours + "\n").getBytes(StandardCharsets.UTF_8)), dir + "/etc/cluster");
        }
    }

    private boolean skepChanged;

    /** Copies the class path entries that differ from what the host has; the remote names in order. */
    private List<String> copySkep(SshHost host, String dir) throws HostFailure, IOException {
        List<ClassPathEntry> entries = ClassPathEntry.ofThisJvm(request.data().resolve("hosts-digests"));
        String manifestPath = dir + "/skep/manifest";
        Map<String, String> there = new LinkedHashMap<>();
        for (String line : host.run("cat " + quote(manifestPath) + " 2>/dev/null", SHORT).out().split("\n")) {
            String[] parts = line.strip().split(" ");
            if (parts.length == 2) {
                there.put(parts[0], parts[1]);
            }
        }
        Map<String, Path> changed = new LinkedHashMap<>();
        long bytes = 0;
        StringBuilder manifest = new StringBuilder();
        for (ClassPathEntry entry : entries) {
            manifest.append(entry.remoteName()).append(' ').append(entry.sha256()).append('\n');
            if (!entry.sha256().equals(there.get(entry.remoteName()))) {
                changed.put(entry.remoteName(), entry.local());
                bytes += entry.directory() ? 0 : Files.size(entry.local());
            }
        }
        int sent = changed.size();
        if (!changed.isEmpty()) { // one tar stream: a round trip per file would cost seconds per hundred jars
            long need = 0;
            for (Path local : changed.values()) {
                need += DiskUse.of(local, p -> false);
            }
            DiskUse.requireRoom(host, dir + "/skep/cp", need);
            host.sendInto(changed, dir + "/skep/cp", COPY);
        }
        // the manifest is written last, after the clean-up: one that lists just this class path means a run
        // finished with these files and nothing else there, so neither is needed again
        boolean manifestCurrent = sent == 0 && there.size() == entries.size();
        if (!manifestCurrent) {
            // what an older version had and this one does not: gone, so the class path holds only this version
            StringBuilder keep = new StringBuilder();
            for (ClassPathEntry entry : entries) {
                keep.append(' ').append(quote(entry.remoteName()));
            }
            host.check("removing old skep files", "cd " + quote(dir + "/skep/cp") + " && for f in *; do case \" "
                    + keep.toString().replace("'", "") + " \" in *\" $f \"*) ;; *) rm -rf \"$f\" ;; esac; done",
                    SHORT);
            // written last: an install cut short is copied again next time
            host.upload(new ByteArrayInputStream(manifest.toString().getBytes(StandardCharsets.UTF_8)), manifestPath);
        }
        skepChanged = sent > 0;
        steps.done(sent == 0 ? UNCHANGED + entries.size() + " files, all current" : "sent " + sent + " of " + entries.size()
                + " files (" + bytes / 1024 + " KiB in jars)");
        return entries.stream().map(ClassPathEntry::remoteName).toList();
    }

    /** The role's command line: what it is given to join the cluster, and the address it advertises there. */
    List<String> roleArgs(String dir, String id) {
        List<String> args = new ArrayList<>();
        args.add(request.role());
        args.addAll(List.of("--zk", request.zk(), "--zk-secret", dir + "/etc/zk.secret"));
        args.addAll(tlsFiles.roleFlags(dir));
        if ("agent".equals(request.role())) {
            // --keep-apps: a restart (an upgrade, a crash the loop or systemd restarts) re-adopts the running apps
            args.addAll(List.of("--data-dir", dir + "/data", "--advertise", request.advertiseHost(), "--agent-id", id,
                    "--keep-apps"));
            if (request.appPorts() != null) {
                args.addAll(List.of("--app-ports", request.appPorts()));
            }
        } else {
            args.addAll(List.of("--advertise", request.advertiseHost()));
        }
        return args;
    }

    /**
     * Writes {@code content} to {@code path} with {@code mode} unless it holds that already (its mode set all the
     * same, in the command that reads it); whether it wrote. A file that holds it costs one command, no SFTP.
     */
    private static boolean writeIfChanged(SshHost host, String path, String content, String mode) throws HostFailure {
        String current = host.run("chmod " + mode + " " + quote(path) + " 2>/dev/null; cat " + quote(path)
                + " 2>/dev/null", SHORT).out();
        if (current.equals(content)) {
            return false;
        }
        host.upload(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), path);
        host.check("chmod " + path, "chmod " + mode + " " + quote(path), SHORT);
        return true;
    }

    private void startSystemd(SshHost host, RoleSetup setup, boolean changed) throws HostFailure {
        String unit = "/etc/systemd/system/" + setup.unitName();
        boolean unitChanged = writeIfChanged(host, unit, setup.systemdUnit(), "644");
        if (!changed && !unitChanged && host.run("systemctl is-active --quiet " + setup.unitName()
                + " && systemctl is-enabled --quiet " + setup.unitName(), SHORT).ok()) {
            // a repair run: it runs these files already, enabled; no daemon-reload, no start
            steps.done(UNCHANGED + unit + ", enabled and running");
            return;
        }
        String action = changed || unitChanged ? "restart" : "start";
        host.check("systemctl", "systemctl daemon-reload && systemctl enable " + setup.unitName() + " >/dev/null 2>&1 "
                + "&& systemctl " + action + " " + setup.unitName(), Duration.ofMinutes(2));
        steps.done(unit + (unitChanged ? " installed" : " unchanged") + ", " + action + "ed");
    }

    private void startDetached(SshHost host, RoleSetup setup, String dir, boolean changed) throws HostFailure {
        writeIfChanged(host, dir + "/bin/supervise", setup.superviseScript(), "755");
        String run = quote(dir + "/run");
        Result alive = host.run("p=$(cat " + run + "/supervisor.pid 2>/dev/null) && kill -0 \"$p\" 2>/dev/null && "
                + "echo \"$p\"", SHORT);
        if (alive.ok() && !alive.out().isBlank()) {
            if (changed) { // run/restart: the loop starts the new one as soon as the old one exits
                host.check("restarting the role", "touch " + run + "/restart && kill $(cat " + run + "/role.pid)",
                        SHORT);
                steps.done("supervisor " + alive.out().strip() + " restarts the " + setup.role() + " with the new files");
            } else {
                steps.done(UNCHANGED + "already running (supervisor " + alive.out().strip() + "), nothing changed");
            }
            return;
        }
        host.check("starting the supervisor", "rm -f " + run + "/stop && setsid -f /bin/sh " + quote(dir + "/bin/supervise")
                + " </dev/null >/dev/null 2>&1; sleep 0.5; cat " + run + "/supervisor.pid", SHORT);
        steps.done("started a detached supervisor (setsid; " + dir + "/bin/supervise restarts it, " + dir + "/log/"
                + setup.role() + ".log)");
    }

    /** When the agent now registered under this id started, or null. */
    private Instant registeredSince(HostRecord record) throws IOException {
        if (!"agent".equals(record.role())) {
            return null;
        }
        try (ClusterLink link = request.link()) {
            return link.state().agents().stream().filter(a -> a.id().equals(record.id())).map(AgentInfo::started)
                    .findFirst().orElse(null);
        } catch (RuntimeException e) {
            return null; // the wait below says what is wrong with the ensemble
        }
    }

    private void waitUntilJoined(SshHost host, HostRecord record, String dir, Instant oldStart)
            throws HostFailure, IOException {
        long start = System.nanoTime();
        long deadline = start + JOIN.toNanos();
        try (ClusterLink link = request.link()) {
            while (System.nanoTime() < deadline) {
                if ("agent".equals(record.role())) {
                    Optional<AgentInfo> agent = link.state().agents().stream()
                            .filter(a -> a.id().equals(record.id())).findFirst();
                    if (agent.isPresent() && agentVersion().equals(agent.get().version())
                            && !agent.get().started().equals(oldStart)) {
                        steps.done("agent " + record.id() + " registered (" + agent.get().host() + ", version "
                                + agent.get().version() + ") after " + (System.nanoTime() - start) / 1_000_000 + " ms");
                        return;
                    }
                } else {
                    Optional<RouterEndpoint> router = link.state().routers().stream()
                            .filter(e -> e.host().equals(record.advertise())).findFirst();
                    if (router.isPresent()) {
                        steps.done("router " + router.get().id() + " routes at " + router.get().host() + ":"
                                + router.get().port() + " after " + (System.nanoTime() - start) / 1_000_000 + " ms");
                        return;
                    }
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostFailure("interrupted while waiting for " + record.id() + " to join");
        }
        String tail = host.run("tail -n 20 " + quote(dir + "/log/" + record.role() + ".log") + " 2>&1", SHORT).out();
        throw new HostFailure("skep " + record.role() + " on " + request.target().host() + " did not join within "
                + JOIN.toSeconds() + " s. Can it reach ZooKeeper at " + request.zk() + " (skep server --zk-bind)? "
                + "Its log (" + dir + "/log/" + record.role() + ".log) ends:\n" + tail);
    }

    /** The version an agent of this build registers with (as Agent reads it). */
    static String agentVersion() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
