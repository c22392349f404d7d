package dev.skep.server;

import dev.skep.cli.SkepCli;
import dev.skep.server.hosts.HostsCommand;
import picocli.CommandLine;

/** `skep`: the roles (server, ...) and the CLI verbs in one binary. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        CommandLine cli = SkepCli.commandLine();
        cli.addSubcommand("server", new ServerCommand());
        cli.addSubcommand("agent", new AgentCommand());
        cli.addSubcommand("router", new RouterCommand());
        cli.addSubcommand("controller", new ControllerCommand());
        cli.addSubcommand("edge", new EdgeCommand());
        cli.addSubcommand("hosts", new HostsCommand());
        cli.addSubcommand("zk-sweep", new ZkSweep());
        System.exit(cli.execute(args));
    }
}
