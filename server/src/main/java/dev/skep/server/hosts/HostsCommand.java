package dev.skep.server.hosts;

import dev.skep.hosts.HostFailure;
import dev.skep.hosts.SshTarget;
import dev.skep.model.DataDirs;
import dev.skep.server.options.ZkTlsOptions;
import dev.skep.server.version.Version;
import dev.skep.state.ZkTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** `skep hosts`: the hosts this machine installed cluster roles on, and adding and removing them over SSH. */
@Command(name = "hosts", mixinStandardHelpOptions = true,
        description = "Hosts of this cluster installed over SSH: list (role, address, version, state, instances), "
                + "add, rm.",
        subcommands = {HostsCommand.Add.class, HostsCreate.class, HostsCommand.Rm.class, HostsCommand.Upgrade.class})
public final class HostsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", description = "this machine's skep data dir, with zk.connect, zk.secret and the "
            + "hosts it installed (default: $SKEP_DATA_DIR, else ~/.skep; /var/lib/skep for root)")
    Path dataDir;

    @Option(names = "--zk", description = "the ZooKeeper ensemble as the hosts reach it (default: the address in "
            + "DATA/zk.connect, written by skep server --zk-bind ADDR)")
    String zk;

    @Option(names = "--zk-secret", paramLabel = "FILE", description = "the cluster's secret (default: DATA/zk.secret)")
    Path zkSecret;

    /** Given, skep hosts talks TLS to the ensemble, and copies these files to each host it installs (0600). */
    @Mixin
    ZkTlsOptions zkTls = new ZkTlsOptions();

    Path data() {
        return DataDirs.orDefault(dataDir, System.getenv());
    }

    Path secret() {
        return zkSecret != null ? zkSecret : data().resolve("zk.secret");
    }

    /** The --zk-tls-* settings (the stores' files checked, the passwords read), or null: plain ZooKeeper. */
    ZkTls tls() throws HostFailure {
        try {
            return zkTls.tls();
        } catch (IOException | IllegalArgumentException | ParameterException e) {
            throw new HostFailure(e.getMessage(), e);
        }
    }

    /** This command's own session with the cluster's state. */
    ClusterLink link() throws HostFailure, IOException {
        return ClusterLink.open(zookeeper(), secret(), tls());
    }

    /**
     * The ensemble's address for other hosts; a loopback or wildcard one is refused with what to do. With
     * --zk-tls-*, the TLS port skep server wrote to DATA/zk.tls.connect (--zk-tls-port).
     */
    String zookeeper() throws HostFailure {
        if (zk != null) {
            return zk;
        }
        if (tls() != null) {
            Path tlsFile = data().resolve("zk.tls.connect");
            try {
                return requireReachable(Files.readString(tlsFile).strip());
            } catch (IOException e) {
                throw new HostFailure("--zk-tls-truststore is given, but there is no " + tlsFile + ": start skep "
                        + "server on this machine with --zk-tls-port PORT --zk-tls-keystore FILE (and --zk-bind ADDR), "
                        + "or give the ensemble's TLS port with --zk HOST:PORT");
            }
        }
        Path file = data().resolve("zk.connect");
        String connect;
        try {
            connect = Files.readString(file).strip();
        } catch (IOException e) {
            throw new HostFailure("no " + file + ": start skep server (with --zk-bind ADDR, an address the new host "
                    + "reaches) on this machine, or give the ensemble with --zk HOST:PORT");
        }
        return requireReachable(connect);
    }

    private static String requireReachable(String connect) throws HostFailure {
        if (connect.startsWith("127.") || connect.startsWith("0.0.0.0") || connect.startsWith("localhost")) {
            throw new HostFailure("this machine's skep server keeps ZooKeeper on " + connect + ", which other hosts "
                    + "cannot reach: restart it with --zk-bind ADDR (an address of this machine the new host reaches; "
                    + "--zk-port 2181 keeps the port fixed across restarts), or give --zk HOST:PORT");
        }
        return connect;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try {
            new HostList(data(), out).print(this);
            return 0;
        } catch (HostFailure e) {
            spec.commandLine().getErr().println("skep hosts: " + e.getMessage());
            return 1;
        }
    }

    /** Default identities, those of ssh's defaults that skep reads. */
    static List<Path> defaultIdentities() {
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        List<Path> found = new ArrayList<>();
        for (String name : List.of("id_ecdsa", "id_ed25519", "id_rsa")) {
            if (Files.isRegularFile(ssh.resolve(name))) {
                found.add(ssh.resolve(name));
            }
        }
        return found;
    }

    /** A subcommand of `skep hosts`: what fails as a {@link HostFailure} is told as "skep hosts VERB: why", exit 1. */
    abstract static class HostVerb implements Callable<Integer> {

        @ParentCommand
        HostsCommand hosts;

        @Spec
        CommandSpec spec;

        abstract void run() throws Exception;

        @Override
        public final Integer call() throws Exception {
            try {
                run();
                return 0;
            } catch (HostFailure e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("skep hosts " + spec.name() + ": " + e.getMessage());
                err.flush();
                return 1;
            }
        }
    }

    /** A verb on a host this machine added, named as `skep hosts` lists it. */
    abstract static class AddedHostVerb extends HostVerb {

        @Parameters(paramLabel = "HOST", description = "the host's id, address or ssh:// target (as skep hosts lists it)")
        String host;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Install a skep agent or router on a host "
            + "over SSH, point it at this cluster and wait until it has joined. Running it again repairs.")
    static final class Add extends HostVerb {

        @Parameters(paramLabel = "ssh://USER@HOST[:PORT]")
        String target;

        @Mixin
        InstallOptions install;

        @Option(names = "--accept-new-host-key", description = "record an unknown host key in known_hosts instead of "
                + "refusing it (a changed key is always refused)")
        boolean acceptNew;

        @Option(names = "--force", description = "take over a --remote-dir another skep cluster installed: its role "
                + "and the apps it runs there are stopped, its state there removed")
        boolean force;

        @Override
        void run() throws Exception {
            install.validate();
            SshTarget ssh;
            try {
                ssh = SshTarget.parse(target);
            } catch (IllegalArgumentException e) {
                throw new HostFailure(e.getMessage());
            }
            AddRequest request = install.request(ssh, acceptNew, hosts);
            new HostInstall(request, spec.commandLine().getOut(), Version.current(), false, force).run();
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Drain a host (its instances start elsewhere "
            + "first), stop and uninstall its skep role, delete the cloud server skep hosts create made for it, and "
            + "forget it.")
    static final class Rm extends AddedHostVerb {

        @Option(names = "--force", description = "also when its instances cannot move (volumes kept there) or it "
                + "cannot be reached: forget it all the same")
        boolean force;

        @Option(names = "--keep-server", description = "a host skep hosts create made: keep its cloud server "
                + "(uninstalled, still billed) instead of deleting it")
        boolean keepServer;

        @Option(names = "--token-file", paramLabel = "FILE", description = "the cloud provider's API token for the "
                + "delete (default: the --token-file the host was created with, else $DIGITALOCEAN_TOKEN)")
        Path tokenFile;

        @Override
        void run() throws Exception {
            new HostRemoval(hosts, spec.commandLine().getOut(), force)
                    .remove(host, keepServer ? null : new HostRemoval.ServerDelete(tokenFile));
        }
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true, description = "Replace skep on a host with this "
            + "machine's build, as it was added, and restart its role; an agent's apps keep running (re-adopted).")
    static final class Upgrade extends AddedHostVerb {

        @Option(names = "--no-drain", description = "restart an agent without moving its instances away first "
                + "(for a cluster with no other agent: its apps keep running, but get no traffic while it restarts)")
        boolean noDrain;

        @Override
        void run() throws Exception {
            HostRecord r = HostRecord.find(hosts.data(), host).orElseThrow(() -> new HostFailure("no host '" + host
                    + "' was added from this machine (skep hosts lists them)"));
            if (HostRecord.UNINSTALLED.equals(r.state())) { // nothing is left there to upgrade
                throw new HostFailure(r.id() + " was uninstalled by skep hosts rm, which could not delete its cloud "
                        + "server: finish with skep hosts rm " + r.id() + ", or install it again with skep hosts add");
            }
            ZkTls tls = hosts.tls();
            if (r.zkTls() && tls == null) { // rewritten without them, its role would no longer reach the ensemble
                throw new HostFailure(r.id() + " was added with ZooKeeper over TLS: give skep hosts the same "
                        + "--zk-tls-* flags (and --zk, if you gave it then)");
            }
            AddRequest request = new AddRequest(SshTarget.parse(r.target()), r.identity() == null
                    ? defaultIdentities() : List.of(Path.of(r.identity())), Path.of(r.knownHosts()), false,
                    r.role(), r.dir(), r.appPorts(), r.advertise(), r.service(), false, hosts.zookeeper(),
                    hosts.secret(), tls, hosts.data(), r.cloud());

            boolean drain = "agent".equals(r.role()) && !noDrain;
            if (drain) { // its instances get ready elsewhere before they stop there: no failed request
                try (ClusterLink link = request.link()) {
                    try {
                        new HostRemoval(hosts, spec.commandLine().getOut(), false).drain(link, r);
                    } catch (HostFailure e) {
                        link.state().setDraining(r.id(), false);
                        throw new HostFailure(e.getMessage() + " (skep hosts upgrade --no-drain restarts it in "
                                + "place)", e);
                    }
                }
            }
            try {
                new HostInstall(request, spec.commandLine().getOut(), Version.current(), true, false)
                        .run();
            } finally {
                if (drain) {
                    try (ClusterLink link = request.link()) {
                        link.state().setDraining(r.id(), false);
                    }
                    spec.commandLine().getOut().println("undrained " + r.id() + ": it takes new instances again");
                }
            }
        }
    }
}
