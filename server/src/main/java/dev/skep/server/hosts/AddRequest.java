package dev.skep.server.hosts;

import dev.skep.hosts.SshTarget;
import dev.skep.state.ZkTls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What `skep hosts add` was asked.
 *
 * @param remoteDir  skep's directory on the host, or null: /opt/skep for root, else ~/skep
 * @param appPorts   an agent's app ports (A-B), or null for the agent's default
 * @param advertise  the address the cluster reaches the host at, or null: the SSH target's host
 * @param service    auto (systemd when it runs there and we are root), systemd, or detached
 * @param copyJava   copy this JVM's runtime even when the host has a Java 21+
 * @param zk         the ZooKeeper connect string as the host reaches it
 * @param zkSecret   the cluster's secret file here
 * @param zkTls      how the ensemble is reached over TLS (its stores are copied to the host), or null: plain
 * @param data       this machine's skep data dir (where the host is recorded)
 * @param cloud      the cloud server skep hosts create rented for it, or null (an add keeps what was recorded)
 */
record AddRequest(SshTarget target, List<Path> identities, Path knownHosts, boolean acceptNewHostKey, String role,
                  String remoteDir, String appPorts, String advertise, String service, boolean copyJava, String zk,
                  Path zkSecret, ZkTls zkTls, Path data, HostRecord.Cloud cloud) {

    /** This request for a server skep hosts create rented. */
    AddRequest rentedFrom(HostRecord.Cloud server) {
        return new AddRequest(target, identities, knownHosts, acceptNewHostKey, role, remoteDir, appPorts, advertise,
                service, copyJava, zk, zkSecret, zkTls, data, server);
    }

    /** skep hosts' own session with the ensemble, as the installed role reaches it. */
    ClusterLink link() throws IOException {
        return ClusterLink.open(zk, zkSecret, zkTls);
    }

    String advertiseHost() {
        return advertise != null ? advertise : target.host();
    }

    /** The record's id: an agent's id, or router-ID for a router (a host may run both, in two --remote-dirs). */
    String recordId() {
        return "agent".equals(role) ? hostId() : "router-" + hostId();
    }

    /** The host's id in the cluster: its address as an agent id (lower case, dashes). */
    String hostId() {
        String id = advertiseHost().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (id.length() > 40) {
            id = id.substring(0, 40).replaceAll("-+$", "");
        }
        return id.isEmpty() ? "host" : id;
    }
}
