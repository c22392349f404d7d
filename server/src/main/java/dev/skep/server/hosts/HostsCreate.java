package dev.skep.server.hosts;

import dev.skep.hosts.HostFailure;
import dev.skep.hosts.SshHost;
import dev.skep.hosts.SshTarget;
import dev.skep.hosts.cloud.CloudProvider;
import dev.skep.hosts.cloud.CloudServer;
import dev.skep.hosts.cloud.ServerSpec;
import dev.skep.server.version.Version;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * `skep hosts create`: rents a server from a cloud provider, waits until it runs and takes an SSH login, then installs
 * the role on it exactly as skep hosts add does (HostInstall). A failure after the server exists says which server
 * and how to delete it, or deletes it (--delete-on-failure).
 */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a server at a cloud provider "
        + "(digitalocean), wait until it runs, then install a skep agent or router on it as skep hosts add does.")
final class HostsCreate implements Callable<Integer> {

    @ParentCommand
    HostsCommand hosts;

    @Spec
    CommandSpec spec;

    @Option(names = "--provider", required = true, description = "the cloud: digitalocean")
    String provider;

    @Option(names = "--region", required = true, description = "the provider's region slug (e.g. nyc3)")
    String region;

    @Option(names = "--size", required = true, description = "the provider's size slug (e.g. s-1vcpu-2gb)")
    String size;

    @Option(names = "--image", required = true, description = "the provider's image slug (e.g. debian-12-x64): "
            + "a Linux of this machine's architecture")
    String image;

    @Option(names = "--ssh-key", required = true, paramLabel = "FINGERPRINT", description = "an SSH key already "
            + "uploaded to the provider (its fingerprint or id); its private half must be one of --identity")
    String sshKey;

    @Option(names = "--token-file", paramLabel = "FILE", description = "the provider's API token "
            + "(default: $DIGITALOCEAN_TOKEN)")
    Path tokenFile;

    @Option(names = "--name", description = "the server's name (default: skep-ROLE-RANDOM)")
    String name;

    @Option(names = "--user", defaultValue = "root", description = "the SSH login, made at first boot when not root "
            + "(default: ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--wait", defaultValue = "600", paramLabel = "SECONDS", description = "how long the server may "
            + "take to run and take an SSH login (default: ${DEFAULT-VALUE})")
    long waitSeconds;

    @Option(names = "--delete-on-failure", description = "delete the server when a step after its creation fails "
            + "(default: keep it, and say how to finish or delete it)")
    boolean deleteOnFailure;

    @Option(names = "--api-url", hidden = true, description = "the provider's API address (a local fake in tests)")
    URI apiUrl;

    @Option(names = "--ssh-port", hidden = true, defaultValue = "22", description = "the server's SSH port")
    int sshPort;

    @Option(names = "--poll-ms", hidden = true, defaultValue = "5000", description = "between two looks at the server")
    long pollMillis;

    @Mixin
    InstallOptions install;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            run(out);
            return 0;
        } catch (HostFailure e) {
            err.println("skep hosts create: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private void run(PrintWriter out) throws HostFailure, IOException {
        Steps steps = new Steps(out);
        // everything that can be refused is refused before the server exists (and costs money)
        install.validate();
        String userData;
        try {
            userData = CloudInit.userData(user);
        } catch (IllegalArgumentException e) {
            throw new HostFailure(e.getMessage());
        }
        hosts.zookeeper();
        if (!Files.isReadable(hosts.secret())) {
            throw new HostFailure("no " + hosts.secret() + ": start skep server on this machine, or give --zk-secret");
        }
        CloudProvider cloud = provider();
        String serverName = name != null ? name
                : "skep-" + install.role + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36);
        Instant deadline = Instant.now().plusSeconds(waitSeconds);

        steps.step("creating " + serverName + " at " + cloud.name() + " (" + region + ", " + size + ", " + image + ")");
        String id = cloud.create(new ServerSpec(serverName, region, size, image, sshKey, userData));
        steps.done("created " + id);
        String address = null;
        try {
            steps.step("waiting until " + id + " runs with a public IPv4 (at most " + waitSeconds + " s)");
            CloudServer server = cloud.awaitRunning(id, Duration.between(Instant.now(), deadline));
            address = server.publicIpv4();
            steps.done(server.status() + " at " + address);
            SshTarget target = new SshTarget(user, address, sshPort);
            steps.step("waiting until " + target + " takes an SSH login");
            awaitLogin(target, deadline);
            steps.done("logged in");
            // a server this command just created has a host key nobody could have recorded: take it (as ssh's
            // accept-new); a different key already recorded for the address is still refused
            // recorded with the host: skep hosts rm deletes the server too
            HostRecord.Cloud rented = new HostRecord.Cloud(cloud.name(), id, serverName,
                    apiUrl == null ? null : apiUrl.toString(),
                    tokenFile == null ? null : tokenFile.toAbsolutePath().toString());
            new HostInstall(install.request(target, true, hosts).rentedFrom(rented), out,
                    Version.current(), false, false).run();
        } catch (HostFailure | IOException | RuntimeException e) {
            String what = cloud.name() + " server " + id + " (" + serverName + (address != null ? ", " + address : "")
                    + ")";
            if (deleteOnFailure) {
                try {
                    cloud.delete(id);
                } catch (HostFailure deleteFailed) {
                    throw new HostFailure(e.getMessage() + "; and deleting " + what + " failed too ("
                            + deleteFailed.getMessage() + "): " + cloud.deleteHint(id), e);
                }
                throw new HostFailure(e.getMessage() + "; deleted " + what + " (--delete-on-failure)", e);
            }
            throw new HostFailure(e.getMessage() + "; " + what + " was created and is still there (and billed): "
                    + (address != null ? "finish with skep hosts add ssh://" + user + "@" + address
                    + (sshPort == 22 ? "" : ":" + sshPort) + " --accept-new-host-key, or " : "")
                    + cloud.deleteHint(id), e);
        }
    }

    private CloudProvider provider() throws HostFailure {
        return CloudAccount.open(provider, tokenFile, apiUrl, Duration.ofMillis(pollMillis));
    }

    /** Until sshd answers and the login works (a fresh server boots sshd, then cloud-init makes the user). */
    private void awaitLogin(SshTarget target, Instant deadline) throws HostFailure {
        while (true) {
            try (SshHost host = SshHost.connect(target, install.identityFiles(), install.knownHostsFile(), true)) {
                return;
            } catch (HostFailure e) {
                if (Instant.now().plusMillis(pollMillis).isAfter(deadline)) {
                    throw new HostFailure("no SSH login to " + target + " within --wait " + waitSeconds + " s: "
                            + e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HostFailure("interrupted while waiting for SSH on " + target, e);
            }
        }
    }
}
