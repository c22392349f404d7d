package dev.skep.server;

import dev.skep.model.AppId;
import dev.skep.model.DataDirs;
import dev.skep.model.SkepException;
import dev.skep.model.limits.ByteSize;
import dev.skep.model.limits.ResourceLimits;
import dev.skep.server.options.ZkTlsOptions;
import dev.skep.state.ZkSecurePort;
import dev.skep.state.ZkTls;
import dev.skep.supervise.AgentConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import sun.misc.Signal;

/** `skep server`: every role on one host, with an embedded ZooKeeper. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run skep on this host: state (embedded ZooKeeper), API, router, scheduler and agent.")
public final class ServerCommand implements Callable<Integer> {

    /** Looked up when used: the CLI builds this command for its help, and must not start logging. */
    private static Logger log() {
        return LoggerFactory.getLogger(ServerCommand.class);
    }

    @Option(names = "--data-dir", description = "state, slugs, logs, token (default: $SKEP_DATA_DIR, else ~/.skep; /var/lib/skep for root)")
    Path dataDir;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address of the API and router (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--router-port", defaultValue = "8080", description = "default: ${DEFAULT-VALUE}")
    int routerPort;

    @Option(names = "--zk", description = "an external ZooKeeper ensemble (host:port,...) instead of the embedded one")
    String zookeeper;

    @Option(names = "--zk-secret", paramLabel = "FILE", description = "with --zk: the secret that locks skep's state "
            + "in the ensemble (digest ACL), the same file on every skep host (the embedded one makes its own)")
    Path zkSecret;

    @Option(names = "--zk-port", defaultValue = "0", description = "port of the embedded ZooKeeper (default: any free; fix it when other hosts join: skep hosts add)")
    int zkPort;

    @Option(names = "--zk-bind", defaultValue = "127.0.0.1", paramLabel = "ADDR", description = "address the embedded "
            + "ZooKeeper listens on (default: ${DEFAULT-VALUE}); an address other hosts reach lets `skep hosts add` join "
            + "agents and routers to this server (every session must authenticate with the data dir's zk.secret)")
    String zkBind;

    @Option(names = "--advertise", paramLabel = "ADDR", description = "the address other hosts reach this one's API at "
            + "(default: --bind, or this host's address when bound to 0.0.0.0)")
    String advertise;

    @Option(names = "--zk-tls-port", paramLabel = "PORT", description = "also serve the embedded ZooKeeper over TLS "
            + "on this port of --zk-bind, with --zk-tls-keystore as its certificate (other hosts' roles: "
            + "--zk HOST:PORT --zk-tls-truststore CA)")
    Integer zkTlsPort;

    @Mixin
    ZkTlsOptions zkTls = new ZkTlsOptions();

    @Mixin
    ZkSessionOption zkSession = new ZkSessionOption();

    @Option(names = "--zk-sync", description = "fsync the embedded ZooKeeper's log on every write (survives power loss; slower deploys)")
    boolean zkSync;

    @Mixin
    AgentHostOptions host = new AgentHostOptions();

    @Mixin
    ControlPlaneOptions control = new ControlPlaneOptions();

    @Mixin
    EdgeOptions edge = new EdgeOptions();

    @Mixin
    MonitorFlags monitorFlags;

    @Mixin
    ApiOptions api = new ApiOptions();

    @Option(names = "--app-memory", defaultValue = "512", paramLabel = "MiB", description = "memory of each app instance, swap included (default: ${DEFAULT-VALUE} MiB)")
    long appMemoryMib;

    @Option(names = "--app-pids", defaultValue = "256", description = "processes and threads of each app instance (default: ${DEFAULT-VALUE})")
    int appPids;

    @Option(names = "--app-cpu-shares", defaultValue = "1024", description = "CPU share of each app instance, 1024 = an ordinary process (default: ${DEFAULT-VALUE})")
    int appCpuShares;

    @Option(names = "--app-open-files", defaultValue = "4096", description = "open files of each app process (default: ${DEFAULT-VALUE})")
    int appOpenFiles;

    @Override
    public Integer call() throws Exception {
        ServerConfig config = config(System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        SkepServer server;
        try {
            MonitorOptions monitor = monitorFlags.options(System.getenv());
            server = SkepServer.start(config, monitor, new LogEvents(), Clock.systemUTC());
        } catch (IllegalStateException | IllegalArgumentException | IOException | SkepException e) {
            log().error("event=server.start-failed error=\"{}\"", e.getMessage());
            System.err.println("skep server: cannot start: " + e.getMessage());
            return 1;
        }
        // SIGTERM and SIGINT are a normal stop: close everything in order, then exit 0
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stopped.countDown());
        }
        stopped.await();
        server.close();
        return 0;
    }

    ServerConfig config(Map<String, String> env) throws IOException {
        Path data = DataDirs.orDefault(dataDir, env);
        if (zkSecret != null && zookeeper == null) {
            throw new ParameterException(new CommandLine(this),
                    "--zk-secret goes with --zk: the embedded ZooKeeper keeps its own secret in the data dir");
        }
        int[] appPorts = host.appPorts();
        // one id and one address for the three roles: the router is "<id>-router", the controller registers as <id>
        String id = host.agentId != null ? AppId.requireName("agent", host.agentId) : persistentAgentId(data);
        String advertiseHost = advertise != null ? advertise
                : "0.0.0.0".equals(bind) ? InetAddress.getLocalHost().getHostAddress() : bind;
        Duration start = host.start.duration(); // the router's wake hold and the rollouts' wait are the agent's
        RouterSettings router = new RouterSettings(bind, routerPort, advertiseHost, control.domain.baseDomain, start,
                edge.config());
        ControllerSettings controller = new ControllerSettings(id, bind, control.apiPort, advertiseHost,
                control.domain.baseDomain, start, Duration.ofSeconds(control.agentGraceSeconds), api.uploadLimits(),
                security(), api.releases(), zookeeper == null);
        AgentSettings agent = host.settings(id, advertiseHost, env.get("PATH"), appPorts,
                appDiskBytes(new CommandLine(this), host.appDisk));
        return new ServerConfig(data, zk(), router, agent, controller);
    }

    /** The state: the ensemble of --zk, or the embedded ZooKeeper. */
    private ZkSettings zk() throws IOException {
        ZkTls tls = zookeeper != null ? zkTls.tls() : null;
        ZkSecurePort securePort = securePort(); // refused with --zk: checked either way
        Duration session = zkSession.timeout();
        return zookeeper != null ? ZkSettings.ensemble(zookeeper, zkSecret, tls, session)
                : ZkSettings.embedded(new ZkSettings.Embedded(zkBind, zkPort, zkSync, securePort), session);
    }

    /** The embedded ZooKeeper's TLS port: its certificate is --zk-tls-keystore, the one this host serves. */
    private ZkSecurePort securePort() throws IOException {
        if (zkTlsPort == null) {
            return null;
        }
        if (zookeeper != null || zkTls.keystore() == null) {
            throw new ParameterException(new CommandLine(this), zookeeper != null
                    ? "--zk-tls-port is the embedded ZooKeeper's: with --zk the ensemble serves its own TLS"
                    : "--zk-tls-port needs --zk-tls-keystore FILE: the certificate and key the embedded ZooKeeper "
                    + "serves, naming this host as other hosts give it in --zk");
        }
        return new ZkSecurePort(new InetSocketAddress(zkBind, zkTlsPort),
                zkTls.keystore().toAbsolutePath(), zkTls.keystorePassword() == null ? null
                : Files.readString(zkTls.keystorePassword()).strip());
    }

    /** {@code --app-disk}'s bytes; a clear usage error for a bad size (shared with `skep agent`). */
    static long appDiskBytes(CommandLine command, String text) {
        try {
            long bytes = ByteSize.parse("--app-disk", text);
            if (bytes < AgentConfig.MIN_DISK_QUOTA) {
                throw new IllegalArgumentException("--app-disk must be at least 16m (a filesystem needs room for its "
                        + "journal), found '" + text + "'");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command, e.getMessage());
        }
    }

    private SecurityConfig security() {
        return api.security(() -> new ResourceLimits(
                appMemoryMib * ResourceLimits.MIB, appPids, appCpuShares, appOpenFiles));
    }

    /** The host name as a valid id, chosen once and kept, so a restart is the same agent. */
    static String persistentAgentId(Path data) throws IOException {
        Path file = data.resolve("agent-id");
        if (Files.exists(file)) {
            return AppId.requireName("agent", Files.readString(file).trim());
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "local";
        }
        String id = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        if (!AppId.isValidName(id)) {
            id = "local";
        }
        Files.createDirectories(data);
        Files.writeString(file, id + "\n");
        log().info("event=agent.id-chosen id={}", id);
        return id;
    }
}
