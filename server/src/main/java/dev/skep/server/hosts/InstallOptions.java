package dev.skep.server.hosts;

import dev.skep.hosts.HostFailure;
import dev.skep.hosts.SshTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How skep hosts add (and create, which ends in the same install) logs in and what it installs: one set of flags. */
final class InstallOptions {

    @Option(names = "--identity", paramLabel = "FILE", description = "private key to log in with "
            + "(RSA, ECDSA or Ed25519; default: ~/.ssh/id_ecdsa, id_ed25519, id_rsa)")
    List<Path> identities = new ArrayList<>();

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "the host key must be in this file "
            + "(default: ~/.ssh/known_hosts)")
    Path knownHosts;

    @Option(names = "--role", defaultValue = "agent", description = "agent or router (default: ${DEFAULT-VALUE})")
    String role;

    @Option(names = "--remote-dir", paramLabel = "DIR", description = "skep's directory on the host "
            + "(default: /opt/skep for root, else ~/skep)")
    String remoteDir;

    @Option(names = "--app-ports", paramLabel = "A-B", description = "an agent's app ports (default: the agent's, "
            + "20000-29999)")
    String appPorts;

    @Option(names = "--advertise", paramLabel = "ADDR", description = "the address the cluster reaches the host "
            + "at (default: the host of the SSH target)")
    String advertise;

    @Option(names = "--service", defaultValue = "auto", description = "how the role is kept running: auto "
            + "(systemd when it runs there and the login is root), systemd, or detached (a setsid restart loop)")
    String service;

    @Option(names = "--copy-java", description = "copy this machine's Java runtime even when the host has a "
            + "Java 21+")
    boolean copyJava;

    /** Refuses flags that cannot work, before anything is done (or, for create, paid for). */
    void validate() throws HostFailure {
        if (!List.of("agent", "router").contains(role)) {
            throw new HostFailure("--role must be agent or router, found '" + role + "'");
        }
        if (!List.of("auto", "systemd", "detached").contains(service)) {
            throw new HostFailure("--service must be auto, systemd or detached, found '" + service + "'");
        }
        if (appPorts != null && !appPorts.matches("\\d+-\\d+")) {
            throw new HostFailure("--app-ports must look like 20000-29999, found '" + appPorts + "'");
        }
    }

    Path knownHostsFile() {
        return (knownHosts != null ? knownHosts : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"))
                .toAbsolutePath();
    }

    List<Path> identityFiles() {
        return identities.isEmpty() ? HostsCommand.defaultIdentities() : identities;
    }

    AddRequest request(SshTarget ssh, boolean acceptNewHostKey, HostsCommand hosts) throws HostFailure {
        return new AddRequest(ssh, identityFiles(), knownHostsFile(), acceptNewHostKey, role, remoteDir, appPorts,
                advertise, service, copyJava, hosts.zookeeper(), hosts.secret(), hosts.tls(), hosts.data(), null);
    }
}
