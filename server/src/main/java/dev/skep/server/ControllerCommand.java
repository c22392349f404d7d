package dev.skep.server;

import dev.skep.api.tls.ApiTls;
import dev.skep.model.AppId;
import dev.skep.model.LogSource;
import dev.skep.model.SkepException;
import dev.skep.model.limits.ResourceLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `skep controller --zk HOSTS`: the API, builds, and the scheduler (on the elected leader). */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = "Run a skep controller: API, builds and the scheduler (one leader among controllers).")
public final class ControllerCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address of the API (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--router-port", defaultValue = "8080", description = "the routers' port, for app URLs (default: ${DEFAULT-VALUE})")
    int routerPort;

    @Mixin
    StartTimeoutOption start = new StartTimeoutOption();

    @Option(names = "--id", description = "this controller's id among controllers (default: from the host name, kept in the data dir)")
    String id;

    @Mixin
    ControlPlaneOptions control = new ControlPlaneOptions();

    @Mixin
    ApiOptions api = new ApiOptions();

    @Override
    public Integer call() throws Exception {
        Path data = cluster.data(System.getenv());
        ControllerSettings config = settings(data);
        ZkSettings zk = cluster.ensemble.settings();
        return RoleRunner.run("controller", life -> {
            Clock clock = Clock.systemUTC();
            ApiTls tls = SkepServer.apiTls(config.security());
            SkepServer.warnIfPublicWithoutTls(config.bind(), tls != null);
            StateRole state = StateRole.open(life, zk, data, clock);
            ControllerRole controller = ControllerRole.start(life, config, data, state, new LogEvents(), clock,
                    new ElsewhereLogs(), SkepServer.localSlugs(data), ControllerRole.LocalAgent.none());
            controller.startApi(life, routerPort, List.of(), null, tls);
        });
    }

    /** A controller of a cluster: never the only one (see {@link ControllerSettings#oneHost()}). */
    ControllerSettings settings(Path data) throws IOException {
        SecurityConfig security = api.security(ResourceLimits::defaults);
        String controllerId = ClusterOptions.id(id, SkepServer.passThroughDir(data));
        String advertiseHost = cluster.advertise != null ? cluster.advertise
                : "0.0.0.0".equals(bind) ? cluster.advertiseHost() : bind;
        return new ControllerSettings(controllerId, bind, control.apiPort, advertiseHost, control.domain.baseDomain,
                start.duration(), Duration.ofSeconds(control.agentGraceSeconds), api.uploadLimits(), security,
                api.releases(), false);
    }

    /** A controller holds no app logs: they stay on the agents' hosts. */
    private static final class ElsewhereLogs implements LogSource {
        @Override
        public List<String> tail(AppId app, int lines) {
            throw new SkepException(SkepException.Kind.UNAVAILABLE, "the logs of " + app + " are on its agents' hosts",
                    "read them there under <agent data dir>/agent/logs, or run `skep server` on one host");
        }

        @Override
        public AutoCloseable follow(AppId app, Consumer<String> line) {
            return tail(app, 0) == null ? null : () -> { };
        }
    }
}
