package dev.skep.server.hosts;

import static dev.skep.hosts.Shell.quote;

import dev.skep.hosts.HostFailure;
import dev.skep.hosts.SshHost;
import dev.skep.hosts.SshTarget;
import dev.skep.model.Assignment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** `skep hosts rm`: drain, stop, uninstall, forget. */
final class HostRemoval {

    private static final Duration DRAIN = Duration.ofMinutes(5);

    private final HostsCommand hosts;
    private final PrintWriter out;
    private final boolean force;

    HostRemoval(HostsCommand hosts, PrintWriter out, boolean force) {
        this.hosts = hosts;
        this.out = out;
        this.force = force;
    }

    private void step(String text) {
        out.println("==> " + text);
        out.flush();
    }

    void remove(String name) throws HostFailure, IOException {
        Path data = hosts.data();
        HostRecord record = HostRecord.find(data, name).orElseThrow(() -> new HostFailure("no host '" + name
                + "' was added from this machine (skep hosts lists them)"));
        try (ClusterLink link = ClusterLink.open(hosts.zookeeper(), hosts.secret())) {
            if ("agent".equals(record.role())) {
                drain(link, record);
            }
            uninstall(record);
            if ("agent".equals(record.role())) {
                link.state().setDraining(record.id(), false); // the mark would outlive the agent it named
            }
        }
        record.forget(data);
        out.println("removed " + record.id() + " (" + record.target() + ")");
        out.flush();
    }

    void drain(ClusterLink link, HostRecord record) throws HostFailure {
        List<Assignment> pinned = link.state().assignments(record.id()).stream()
                .filter(a -> a.volumes() != null && !a.volumes().isEmpty()).toList();
        if (!pinned.isEmpty() && !force) {
            throw new HostFailure(record.id() + " keeps the volumes of " + pinned.stream().map(Assignment::instance)
                    .toList() + ", which cannot move: export them first (skep volumes export), or --force to stop them");
        }
        step("draining " + record.id() + ": its instances start elsewhere and get ready before they stop here");
        link.state().setDraining(record.id(), true);
        long deadline = System.nanoTime() + DRAIN.toNanos();
        try {
            while (true) {
                int left = (int) link.state().assignments(record.id()).stream()
                        .filter(a -> force || a.volumes() == null || a.volumes().isEmpty()).count();
                if (left == 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new HostFailure(record.id() + " still holds " + left + " instances after " + DRAIN.toMinutes()
                            + " min of draining: is there room on the other agents (skep agents, skep ps)? "
                            + "It stays drained; run skep hosts rm again");
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostFailure("interrupted while draining " + record.id());
        }
        out.println("    no instance left on " + record.id());
    }

    private void uninstall(HostRecord record) throws HostFailure {
        step("stopping and uninstalling skep " + record.role() + " on " + record.target());
        List<Path> identities = record.identity() == null ? HostsCommand.defaultIdentities()
                : List.of(Path.of(record.identity()));
        try (SshHost host = SshHost.connect(SshTarget.parse(record.target()), identities,
                Path.of(record.knownHosts()), false)) {
            String dir = record.dir();
            String run = quote(dir + "/run");
            if ("systemd".equals(record.service())) {
                String unit = "skep-" + record.role() + ".service";
                host.check("stopping " + unit, "systemctl disable --now " + unit + " >/dev/null 2>&1; rm -f "
                        + "/etc/systemd/system/" + unit + " && systemctl daemon-reload", Duration.ofMinutes(2));
            } else {
                // the loop's TERM trap stops the role and waits for it; then no restart, since run/stop exists
                host.check("stopping the supervisor", "touch " + run + "/stop; "
                        + "p=$(cat " + run + "/supervisor.pid 2>/dev/null); r=$(cat " + run + "/role.pid 2>/dev/null); "
                        + "[ -n \"$p\" ] && kill \"$p\" 2>/dev/null; [ -n \"$r\" ] && kill \"$r\" 2>/dev/null; "
                        + "for i in $(seq 1 120); do { [ -n \"$r\" ] && kill -0 \"$r\" 2>/dev/null; } || "
                        + "{ [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null; } || exit 0; sleep 0.5; done; "
                        + "echo \"the role (pid $r) did not stop within 60 s\" >&2; exit 1", Duration.ofSeconds(90));
            }
            // the agent (root) mounts each app's disk image under DATA; it keeps them for apps it leaves running
            host.check("removing " + dir, "grep -o ' " + dir.replace("'", "") + "/[^ ]*' /proc/mounts | sort -r | "
                    + "while read -r m; do umount -l \"$m\"; done; rm -rf " + quote(dir), Duration.ofMinutes(2));
            out.println("    stopped; " + dir + " removed");
        } catch (HostFailure e) {
            if (!force) {
                throw new HostFailure(e.getMessage() + " (skep hosts rm --force forgets the host all the same)", e);
            }
            out.println("    could not uninstall (" + e.getMessage() + "); forgetting it as --force asks");
        }
    }
}
