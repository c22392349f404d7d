package dev.skep.server;

import dev.skep.route.server.RouterServer;
import dev.skep.state.ZkAppDocuments;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** `skep router --zk HOSTS`: an edge proxy fed from the state; stateless, run as many as you like. */
@Command(name = "router", mixinStandardHelpOptions = true,
        description = "Run a skep edge router: Host header -> app -> its ready instances, from the cluster state.")
public final class RouterCommand implements Callable<Integer> {

    @Mixin
    EnsembleOptions ensemble = new EnsembleOptions();

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--advertise", description = "the address an edge (skep edge haproxy) reaches this router at "
            + "(default: --bind, or this host's address when bound to all)")
    String advertise;

    @Spec
    CommandSpec spec;

    @Option(names = "--wake-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "how long a request for a sleeping app is held while it wakes, then 504: the agents' "
                    + "--start-timeout (default: ${DEFAULT-VALUE})")
    int wakeTimeoutSeconds;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Mixin
    BaseDomainOption domain = new BaseDomainOption();

    @Mixin
    EdgeOptions edge = new EdgeOptions();

    /** This host's name and the router's port: one router per port per host. */
    static String routerId(int port) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "router";
        }
        return host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + port;
    }

    private String advertiseHost() throws UnknownHostException {
        if (advertise != null) {
            return advertise;
        }
        return "0.0.0.0".equals(bind) || "::".equals(bind) ? InetAddress.getLocalHost().getHostAddress() : bind;
    }

    /** The router's settings from its flags; a --wake-timeout below a second is a usage error. */
    RouterSettings settings() throws UnknownHostException {
        if (wakeTimeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--wake-timeout must be a number of seconds above 0, found " + wakeTimeoutSeconds);
        }
        return new RouterSettings(bind, port, advertiseHost(), domain.baseDomain,
                Duration.ofSeconds(wakeTimeoutSeconds), edge.config());
    }

    @Override
    public Integer call() throws Exception {
        RouterSettings config = settings();
        ZkSettings zk = ensemble.settings();
        return RoleRunner.run("router", life -> {
            // a lone router listens once its state is open: an edge balances over routers and routes to this one
            // when it routes (its health check), and a router that cannot reach the ensemble fails its start
            StateRole state = StateRole.open(life, zk, null, Clock.systemUTC());
            RouterServer router = RouterRole.listen(life, config);
            RouterRole.follow(life, config, router, state.state(), new ZkAppDocuments(state.state().view()),
                    routerId(port));
        });
    }
}
