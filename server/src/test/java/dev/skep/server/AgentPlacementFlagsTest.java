package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.HostMemory;
import dev.skep.supervise.AgentResources;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `skep agent --label KEY=VALUE ... --memory SIZE`: what the agent registers for placement, a clear error otherwise. */
class AgentPlacementFlagsTest {

    private static AgentResources resources(String... args) {
        AgentCommand agent = new AgentCommand();
        String[] all = new String[args.length + 2];
        all[0] = "--zk";
        all[1] = "127.0.0.1:2181";
        System.arraycopy(args, 0, all, 2, args.length);
        CommandLine cli = new CommandLine(agent);
        cli.parseArgs(all);
        return agent.resources(cli);
    }

    @Test
    void labelsAreRepeatableAndMemoryOverridesTheHosts() {
        AgentResources given = resources("--label", "zone=a", "--label", "disk=ssd", "--memory", "8g");
        assertThat(given.labels()).isEqualTo(Map.of("zone", "a", "disk", "ssd"));
        assertThat(given.memoryBytes()).isEqualTo(8L << 30);
        assertThat(given.instanceMemory()).as("what a new instance needs free: the default limit").isEqualTo(512L << 20);
        assertThat(given.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());

        AgentResources defaults = resources();
        assertThat(defaults.labels()).isEmpty();
        assertThat(defaults.memoryBytes()).as("the host's").isEqualTo(HostMemory.total()).isPositive();
    }

    @Test
    void aBadLabelOrSizeIsAUsageErrorNamingTheFlag() {
        assertThatThrownBy(() -> resources("--label", "zone")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--label must be key=value, found 'zone'");
        assertThatThrownBy(() -> resources("--label", "Zone=a")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--label key 'Zone' is not valid");
        assertThatThrownBy(() -> resources("--memory", "lots")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--memory");
    }
}
