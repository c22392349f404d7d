package dev.skep.server;

import dev.skep.api.server.ApiServer;
import dev.skep.api.tls.ApiTls;
import dev.skep.api.tls.PemKeyStore;
import dev.skep.deploy.slug.LocalSlugStore;
import dev.skep.model.DataDirs;
import dev.skep.model.EventSink;
import dev.skep.route.server.RouterServer;
import dev.skep.state.ZkAppDocuments;
import dev.skep.supervise.Agent;
import dev.skep.supervise.AgentSetup;
import dev.skep.supervise.InstanceBoard;
import dev.skep.supervise.LogReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of `skep server`: every role in one process, each built once with all it needs passed to
 * its constructor, in the order that allows: state, router, monitor (the events), the slugs, the agent, the
 * controller (whose builds run under the agent's uids), the API. Nothing is set on a component after it is built
 * but the API's bound port ({@link ApiAddress}). They stop in reverse; nothing else builds them.
 */
public final class SkepServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SkepServer.class);

    private final Lifecycle lifecycle;
    private final ApiServer api;

    private SkepServer(Lifecycle lifecycle, ApiServer api) {
        this.lifecycle = lifecycle;
        this.api = api;
    }

    public static SkepServer start(ServerConfig config, EventSink events, Clock clock) throws Exception {
        return start(config, MonitorOptions.defaults(), events, clock);
    }

    /** @param operatorLog where events go besides the monitor's event log (the process log) */
    public static SkepServer start(ServerConfig config, MonitorOptions monitorOptions, EventSink operatorLog,
                                   Clock clock) throws Exception {
        Lifecycle life = new Lifecycle();
        try {
            Path data = passThroughDir(config.dataDir());
            if (DataDirs.runningAsRoot()) {
                requireTraversable(data);
            }
            ControllerSettings control = config.controller();
            ApiTls tls = apiTls(control.security());
            warnIfPublicWithoutTls(control.bind(), tls != null);
            privateDir(data.resolve("tmp"));
            // the router first, before the state: after a restart that left the apps running, clients connect again
            // as soon as this JVM is up and their requests wait for the table (and the apps' re-adoption)
            RouterServer router = RouterRole.listen(life, config.router());
            StateRole state = StateRole.open(life, config.zk(), data, clock);
            // its feed next: it emits no events, and the monitor turns its counters into request rates
            ZkAppDocuments documents = new ZkAppDocuments(state.state().view());
            RouterRole.follow(life, config.router(), router, state.state(), documents,
                    config.agent().id() + "-router");
            ApiAddress apiAddress = new ApiAddress(control.advertiseHost(), control.apiPort());
            InstanceBoard board = new InstanceBoard(); // what the agent runs, sampled by the monitor
            // before the agent: plain files
            LogReader agentLogs = new LogReader(AgentRole.agentConfig(config.agent(), data));
            MonitorRole.Local local = new MonitorRole.Local(board::all, agentLogs, router.metrics(), apiAddress);
            MonitorRole monitor = life.add("monitor", MonitorRole.start(data, monitorOptions, state.state(),
                    documents, local, clock));
            EventSink events = monitor.events(operatorLog);
            // the slugs before both their users: the controller builds into them, the agent runs from them
            LocalSlugStore slugs = localSlugs(data);
            Agent agent = AgentRole.start(life, config.agent(), data, state, slugs, events, clock, AgentSetup.plain()
                    .withHooks(monitor.agentHooks()).withLimits(control.security().limits()).withBoard(board));
            ControllerRole controller = ControllerRole.start(life, control, data, state, events, clock,
                    new AgentLogs(agentLogs, state.state()), slugs, ControllerRole.LocalAgent.of(agent));
            ApiServer api = controller.startApi(life, router.port(), List.of(), monitor, tls);
            // the one value set after its reader was built: the API's port is known once it has bound (see ApiAddress)
            apiAddress.bound(api.port());
            log.info("event=server.started api={}://{}:{} router={}:{} data={} zk={}", tls == null ? "http" : "https",
                    control.bind(), api.port(),
                    config.router().bind(), router.port(), data, config.zk().isEmbedded() ? "embedded"
                    : state.connectString());
            return new SkepServer(life, api);
        } catch (Exception e) {
            life.close();
            throw e;
        }
    }

    /**
     * Apps run under their own uids and must pass through every parent of their code (node
     * resolves absolute paths), so each parent of the data dir needs o+x. Says what to do if not.
     */
    static void requireTraversable(Path data) throws IOException {
        for (Path dir = data.getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("apps run under their own uids and cannot pass through " + dir
                        + " (mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))
                        + ") to reach their code in " + data + "; use a --data-dir whose parents others may pass "
                        + "(the default for root is " + DataDirs.ROOT_DEFAULT + "), or chmod o+x " + dir);
            }
        }
    }

    static ApiTls apiTls(SecurityConfig security) {
        if (!security.tls()) {
            return null;
        }
        try {
            PemKeyStore.load(security.apiTlsCert(), security.apiTlsKey(), "check".toCharArray());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return new ApiTls(security.apiTlsCert(), security.apiTlsKey());
    }

    static void warnIfPublicWithoutTls(String bind, boolean tls) {
        if (tls || isLoopback(bind)) {
            return;
        }
        log.warn("event=api.plaintext bind={} risk=\"API tokens and app env values cross the network unencrypted\" "
                + "fix=\"start with --api-tls-cert PEM --api-tls-key PEM, or --bind 127.0.0.1 behind a TLS proxy\"", bind);
        System.err.println("skep server: WARNING: the API listens on " + bind + " without TLS; tokens and secrets "
                + "cross the network in the clear. Use --api-tls-cert/--api-tls-key, or --bind 127.0.0.1.");
    }

    static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Creates the dir if needed with mode 0700: apps and other users must not read it. */
    static Path privateDir(Path dir) throws IOException {
        return dirWithMode(dir, "rwx------");
    }

    /** The host's slugs, in {@code <data>/slugs}: a controller builds into them, an agent runs from them. */
    static LocalSlugStore localSlugs(Path data) throws IOException {
        return new LocalSlugStore(passThroughDir(data.resolve("slugs")));
    }

    /** Mode 0711: others may pass through to what they own below (their app dirs), not list it. */
    static Path passThroughDir(Path dir) throws IOException {
        return dirWithMode(dir, "rwx--x--x");
    }

    private static Path dirWithMode(Path dir, String mode) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir.toAbsolutePath();
    }

    public int apiPort() {
        return api.port();
    }

    /** The API this server runs (its routes: what the OpenAPI document is checked against). */
    ApiServer api() {
        return api;
    }

    @Override
    public void close() {
        log.info("event=server.stopping");
        lifecycle.close();
        log.info("event=server.stopped");
    }
}
