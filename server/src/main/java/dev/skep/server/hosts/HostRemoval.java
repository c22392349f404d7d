package dev.skep.server.hosts;

import dev.skep.hosts.HostFailure;
import dev.skep.hosts.SshHost;
import dev.skep.hosts.SshTarget;
import dev.skep.hosts.cloud.CloudProvider;
import dev.skep.model.Assignment;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** `skep hosts rm`: drain, stop, uninstall, forget. */
final class HostRemoval {

    private static final Duration DRAIN = Duration.ofMinutes(5);

    private final HostsCommand hosts;
    private final PrintWriter out;
    private final Steps steps;
    private final boolean force;

    HostRemoval(HostsCommand hosts, PrintWriter out, boolean force) {
        this.hosts = hosts;
        this.out = out;
        this.steps = new Steps(out);
        this.force = force;
    }

    /** How rm deletes the cloud server of a host skep hosts create made. @param tokenFile or null: as created */
    record ServerDelete(Path tokenFile) {
    }

    /** @param delete delete the host's cloud server (if skep hosts create made it) so, or null to keep it */
    void remove(String name, ServerDelete delete) throws HostFailure, IOException {
        Path data = hosts.data();
        HostRecord record = HostRecord.find(data, name).orElseThrow(() -> new HostFailure("no host '" + name
                + "' was added from this machine (skep hosts lists them)"));
        if (HostRecord.UNINSTALLED.equals(record.state())) {
            // an earlier rm stopped and uninstalled the role, then failed to delete the server: only that is left
            steps.done(record.id() + " was stopped and uninstalled by an earlier skep hosts rm");
        } else {
            try (ClusterLink link = hosts.link()) {
                if ("agent".equals(record.role())) {
                    drain(link, record);
                }
                uninstall(record);
                if ("agent".equals(record.role())) {
                    link.state().setDraining(record.id(), false); // the mark would outlive the agent it named
                }
            }
        }
        if (record.cloud() != null) {
            deleteServer(record, delete, data);
        }
        record.forget(data);
        out.println("removed " + record.id() + " (" + record.target() + ")");
        out.flush();
    }

    /**
     * Deletes the server after its role is gone. A failed delete keeps the record, marked uninstalled, unless --force:
     * the server is still there (and billed), a second rm goes straight to the delete, and skep hosts lists it.
     */
    private void deleteServer(HostRecord record, ServerDelete delete, Path data) throws HostFailure, IOException {
        HostRecord.Cloud server = record.cloud();
        if (delete == null) {
            steps.done("kept " + server.describe() + " (--keep-server): it is still there, and billed");
            return;
        }
        steps.step("deleting " + server.describe());
        CloudProvider cloud = null;
        try {
            cloud = CloudAccount.open(server.provider(), delete.tokenFile() != null ? delete.tokenFile()
                    : server.tokenFile() == null ? null : Path.of(server.tokenFile()),
                    server.apiUrl() == null ? null : URI.create(server.apiUrl()), Duration.ofSeconds(5));
            steps.done(cloud.delete(server.id()) ? "deleted " + server.describe()
                    : server.describe() + " was gone already (an earlier delete went through)");
        } catch (HostFailure e) {
            String hint = cloud != null ? cloud.deleteHint(server.id()) : "delete it at the provider";
            if (!force) {
                record.withState(HostRecord.UNINSTALLED).save(data);
                throw new HostFailure(record.id() + " is stopped and uninstalled, but deleting " + server.describe()
                        + " failed: " + e.getMessage() + ". The server is still there, and billed; skep hosts keeps "
                        + record.id() + " as " + HostRecord.UNINSTALLED + ". Run skep hosts rm " + record.id()
                        + " again to retry the delete (--token-file FILE for another token), or " + hint
                        + " and run skep hosts rm " + record.id() + " --force", e);
            }
            steps.done("could not delete " + server.describe() + " (" + e.getMessage() + "): " + hint
                    + "; forgetting the host as --force asks");
        }
    }

    void drain(ClusterLink link, HostRecord record) throws HostFailure {
        List<Assignment> pinned = link.state().assignments(record.id()).stream()
                .filter(a -> a.volumes() != null && !a.volumes().isEmpty()).toList();
        if (!pinned.isEmpty() && !force) {
            throw new HostFailure(record.id() + " keeps the volumes of " + pinned.stream().map(Assignment::instance)
                    .toList() + ", which cannot move: export them first (skep volumes export), or --force to stop them");
        }
        steps.step("draining " + record.id() + ": its instances start elsewhere and get ready before they stop here");
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
        steps.done("no instance left on " + record.id());
    }

    private void uninstall(HostRecord record) throws HostFailure {
        steps.step("stopping and uninstalling skep " + record.role() + " on " + record.target());
        List<Path> identities = record.identity() == null ? HostsCommand.defaultIdentities()
                : List.of(Path.of(record.identity()));
        try (SshHost host = SshHost.connect(SshTarget.parse(record.target()), identities,
                Path.of(record.knownHosts()), false)) {
            String dir = record.dir();
            if ("systemd".equals(record.service())) {
                String unit = "skep-" + record.role() + ".service";
                host.check("stopping " + unit, RoleStop.systemdUnit(unit), Duration.ofMinutes(2));
            } else {
                host.check("stopping the supervisor", RoleStop.detached(dir), Duration.ofSeconds(90));
            }
            // the agent (root) mounts each app's disk image under DATA; it keeps them for apps it leaves running
            host.check("removing " + dir, RoleStop.unmountAndRemove(dir), Duration.ofMinutes(2));
            steps.done("stopped; " + dir + " removed");
        } catch (HostFailure e) {
            if (!force) {
                throw new HostFailure(e.getMessage() + " (skep hosts rm --force forgets the host all the same)", e);
            }
            steps.done("could not uninstall (" + e.getMessage() + "); forgetting it as --force asks");
        }
    }
}
