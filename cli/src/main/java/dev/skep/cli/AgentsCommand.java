package dev.skep.cli;

import dev.skep.model.Labels;
import dev.skep.model.view.AgentView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** skep agents [drain ID [--force] | undrain ID] (admin). */
@Command(name = "agents", description = {"List the agents (admin only): state (ready, draining, silent, lost),",
    "instances, memory the scheduler hands out (used/total, each instance reserves its limit), CPUs, labels, version.",
    "  skep agents", "  skep agents drain agent-2      its instances move away, rolling; then it holds no work",
    "  skep agents undrain agent-2"},
        subcommands = {AgentsCommand.Drain.class, AgentsCommand.Undrain.class})
final class AgentsCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Mixin
    ClientOptions options;

    @Option(names = "--json", description = "print one JSON document (the API's fields), no table")
    boolean json;

    @Override
    public Integer call() {
        var agents = skep.client(options).agents();
        if (json) {
            skep.out().println(Views.json(agents));
            return SkepCli.EXIT_OK;
        }
        Table table = new Table("AGENT", "ADDRESS", "STATE", "INSTANCES", "MEMORY USED", "MEMORY FREE", "CPUS",
                "LABELS", "VERSION");
        for (AgentView a : agents) {
            table.row(a.id(), a.host(), a.state(), a.instances(),
                    a.memoryBytes() <= 0 ? null : Format.bytes(a.memoryUsedBytes()),
                    a.memoryBytes() <= 0 ? null : Format.bytes(a.memoryFreeBytes()) + " of "
                            + Format.bytes(a.memoryBytes()),
                    a.cpus() <= 0 ? null : a.cpus(), a.labels() == null ? null : Labels.text(a.labels()), a.version());
        }
        table.print(skep.out());
        return SkepCli.EXIT_OK;
    }

    @Command(name = "drain", description = {"Give an agent no new work and move its instances to the others, each",
        "replacement ready before the old one stops (no failed request). Apps whose volumes are on it cannot move:",
        "the drain is refused, naming them, unless --force (then they keep running there)."})
    static final class Drain implements Callable<Integer> {
        @ParentCommand
        AgentsCommand agents;

        @Mixin
        ClientOptions options;

        @Parameters(index = "0", paramLabel = "ID", description = "the agent's id (skep agents)")
        String id;

        @Option(names = "--force", description = "drain even when apps pinned by their volumes cannot move")
        boolean force;

        @Override
        public Integer call() {
            SkepCli skep = agents.skep;
            AgentView a = skep.client(options).drain(id, force);
            skep.out().println("agent " + a.id() + " draining: its " + a.instances()
                    + (a.instances() == 1 ? " instance moves" : " instances move") + " to other agents, each "
                    + "replacement ready before the old one stops; `skep agents` shows 0 instances when done");
            if (a.pinned() != null && !a.pinned().isEmpty()) {
                skep.out().println("these stay on " + a.id() + " (their volumes are there): "
                        + String.join(", ", a.pinned()));
            }
            return SkepCli.EXIT_OK;
        }
    }

    @Command(name = "undrain", description = "Make a drained agent eligible for new work again.")
    static final class Undrain implements Callable<Integer> {
        @ParentCommand
        AgentsCommand agents;

        @Mixin
        ClientOptions options;

        @Parameters(index = "0", paramLabel = "ID", description = "the agent's id (skep agents)")
        String id;

        @Override
        public Integer call() {
            AgentView a = agents.skep.client(options).undrain(id);
            agents.skep.out().println("agent " + a.id() + " takes new work again (instances already moved stay "
                    + "where they are)");
            return SkepCli.EXIT_OK;
        }
    }
}
