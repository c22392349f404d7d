package dev.skep.server;

import dev.skep.model.RouterEndpoint;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * `skep edge`: the load balancer in front of several routers. Run on the edge host itself, as a cluster role: it
 * reads the live routers from the state (as routers and agents do, with --zk and --zk-secret), so it needs no API
 * token and keeps working while every controller is down.
 */
@Command(name = "edge", mixinStandardHelpOptions = true,
        description = "Configs for the edge in front of the routers: HAProxy (from the live routers) and keepalived.",
        subcommands = {EdgeCommand.Haproxy.class, EdgeCommand.Keepalived.class})
public final class EdgeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "say which: skep edge haproxy ... or skep edge keepalived ...");
    }

    @Command(name = "haproxy", mixinStandardHelpOptions = true,
            description = "Render an HAProxy config whose backends are the cluster's live routers; with --watch keep "
                    + "it up to date and reload HAProxy when routers join or leave.")
    static final class Haproxy implements Callable<Integer> {

        @Mixin
        EnsembleOptions ensemble = new EnsembleOptions();

        @Option(names = "--bind", defaultValue = "0.0.0.0:80", paramLabel = "ADDR:PORT",
                description = "the HTTP listener (default: ${DEFAULT-VALUE})")
        String bind;

        @Option(names = "--tls-bind", paramLabel = "ADDR:PORT",
                description = "an HTTPS listener passing TLS through to the routers' HTTPS ports (default: none)")
        String tlsBind;

        @Mixin
        EdgeOutOption output = new EdgeOutOption();

        @Option(names = "--reload-cmd", paramLabel = "CMD",
                description = "run with /bin/sh after each rewrite, e.g. 'kill -USR2 $(cat /run/haproxy.pid)' "
                        + "(HAProxy started with -W) or 'systemctl reload haproxy'")
        String reloadCmd;

        @Option(names = "--watch", description = "keep running: rewrite --out and reload when routers join or leave")
        boolean watch;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path out = output.out;
            HaproxyConfig config;
            try {
                config = new HaproxyConfig(ListenAddress.parse("--bind", bind),
                        tlsBind == null ? null : ListenAddress.parse("--tls-bind", tlsBind));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (watch && out == null) {
                throw new ParameterException(spec.commandLine(), "--watch needs --out FILE: the file HAProxy reads");
            }
            if (out != null && !Files.isDirectory(out.toAbsolutePath().getParent())) {
                throw new ParameterException(spec.commandLine(), "--out " + out + ": its directory "
                        + out.toAbsolutePath().getParent() + " does not exist; create it or choose another");
            }
            ZkSettings state = ensemble.settings();
            ReloadCommand reload = reloadCmd == null || reloadCmd.isBlank() ? null : new ReloadCommand(reloadCmd);
            if (watch) {
                return RoleRunner.run("edge", life -> {
                    StateRole role = StateRole.open(life, state, null, Clock.systemUTC());
                    life.add("edge watch", new EdgeWatch(role.state(), config, out, reload));
                });
            }
            return once(config, state, reload);
        }

        /** Renders once from the routers live now, writes it, reloads; exit 1 with the reason when any step fails. */
        private int once(HaproxyConfig config, ZkSettings stateConfig, ReloadCommand reload) {
            Path out = output.out;
            PrintStream stdout = System.out;
            if (out == null) {
                System.setOut(System.err); // the log lines go to stderr: standard output is the config alone
            }
            try (Lifecycle life = new Lifecycle()) {
                StateRole role = StateRole.open(life, stateConfig, null, Clock.systemUTC());
                List<RouterEndpoint> routers = role.state().routers();
                output.write(config.render(routers), stdout);
                long usable = routers.stream().filter(HaproxyConfig::usable).count();
                System.err.println("skep edge: " + usable + " live router(s)" + (out == null ? "" : ", written to " + out)
                        + (usable == 0 ? "; clients get 503 until a router joins" : ""));
                if (reload != null) {
                    ReloadCommand.Outcome outcome = reload.run();
                    if (!outcome.ok()) {
                        System.err.println("skep edge: --reload-cmd failed (exit " + outcome.exit() + "): "
                                + outcome.output() + "\nHAProxy keeps its previous config; check the command by hand");
                        return 1;
                    }
                }
                return 0;
            } catch (Exception e) {
                System.err.println("skep edge: cannot render the HAProxy config: " + e.getMessage());
                return 1;
            } finally {
                System.setOut(stdout);
            }
        }
    }

    @Command(name = "keepalived", mixinStandardHelpOptions = true,
            description = "Render a keepalived VRRP config for one of two edge hosts sharing a virtual IP.")
    static final class Keepalived implements Callable<Integer> {

        @Option(names = "--vip", required = true, paramLabel = "ADDR[/PREFIX]", description = "the virtual IP")
        String vip;

        @Option(names = "--interface", required = true, paramLabel = "IF", description = "the interface it goes on")
        String iface;

        @Option(names = "--peer", required = true, paramLabel = "ADDR", split = ",",
                description = "the other edge host's address (VRRP goes unicast to it)")
        List<String> peers;

        @Option(names = "--priority", defaultValue = "100", paramLabel = "N",
                description = "1-254; give the hosts different ones, the higher holds the VIP (default: ${DEFAULT-VALUE})")
        int priority;

        @Option(names = "--router-id", defaultValue = "51", paramLabel = "N",
                description = "the VRRP id, the same on both hosts and unique on the network (default: ${DEFAULT-VALUE})")
        int routerId;

        @Option(names = "--check", defaultValue = "/usr/bin/pidof haproxy", paramLabel = "CMD",
                description = "exits 0 while HAProxy is up (default: ${DEFAULT-VALUE})")
        String check;

        @Mixin
        EdgeOutOption output = new EdgeOutOption();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            KeepalivedConfig config;
            try {
                config = new KeepalivedConfig(vip, iface, peers, priority, routerId, check);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            output.write(config.render(), System.out);
            return 0;
        }
    }
}
