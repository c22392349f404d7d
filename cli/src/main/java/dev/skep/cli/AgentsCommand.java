package dev.skep.cli;

import dev.skep.model.Labels;
import dev.skep.model.view.AgentView;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** skep agents [drain ID [--force] | undrain ID] (admin). */
@Command(name = "agents", description = {"List the agents (admin only): state (ready, draining, silent, lost),",
    "instances, memory the scheduler hands out (used/total, each instance reserves its limit), CPUs, labels, version.",
    "  skep agents", "  skep agents drain agent-2      its instances move away, rolling; then it holds no work",
    "  skep agents undrain agent-2"},
        subcommands = {AgentsCommand.Drain.class, AgentsCommand.Undrain.class})
final class AgentsCommand extends ListVerb<AgentView> {

    @Override
    List<AgentView> items() {
        return client().agents();
    }

    @Override
    Table table() {
        return new Table("AGENT", "ADDRESS", "STATE", "INSTANCES", "MEMORY USED", "MEMORY FREE", "CPUS", "LABELS",
                "VERSION");
    }

    @Override
    Object[] row(AgentView a) {
        return new Object[] {a.id(), a.host(), a.state(), a.instances(),
            a.memoryBytes() <= 0 ? null : Format.bytes(a.memoryUsedBytes()),
            a.memoryBytes() <= 0 ? null : Format.bytes(a.memoryFreeBytes()) + " of " + Format.bytes(a.memoryBytes()),
            a.cpus() <= 0 ? null : a.cpus(), a.labels() == null ? null : Labels.text(a.labels()), a.version()};
    }

    @Command(name = "drain", description = {"Give an agent no new work and move its instances to the others, each",
        "replacement ready before the old one stops (no failed request). Apps whose volumes are on it cannot move:",
        "the drain is refused, naming them, unless --force (then they keep running there)."})
    static final class Drain extends ClientVerb {
        @Parameters(index = "0", paramLabel = "ID", description = "the agent's id (skep agents)")
        String id;

        @Option(names = "--force", description = "drain even when apps pinned by their volumes cannot move")
        boolean force;

        @Override
        public Integer call() {
            AgentView a = client().drain(id, force);
            out().println("agent " + a.id() + " draining: its " + a.instances()
                    + (a.instances() == 1 ? " instance moves" : " instances move") + " to other agents, each "
                    + "replacement ready before the old one stops; `skep agents` shows 0 instances when done");
            if (a.pinned() != null && !a.pinned().isEmpty()) {
                out().println("these stay on " + a.id() + " (their volumes are there): " + String.join(", ", a.pinned()));
            }
            return SkepCli.EXIT_OK;
        }
    }

    @Command(name = "undrain", description = "Make a drained agent eligible for new work again.")
    static final class Undrain extends ClientVerb {
        @Parameters(index = "0", paramLabel = "ID", description = "the agent's id (skep agents)")
        String id;

        @Override
        public Integer call() {
            AgentView a = client().undrain(id);
            return done("agent " + a.id() + " takes new work again (instances already moved stay where they are)");
        }
    }
}
