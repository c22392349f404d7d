package dev.skep.server.hosts;

import dev.skep.hosts.HostFailure;
import dev.skep.model.AgentInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** `skep hosts`: each installed host with what the cluster's state says of it now. */
record HostList(Path data, PrintWriter out) {

    void print(HostsCommand hosts) throws HostFailure, IOException {
        List<HostRecord> records = HostRecord.all(data);
        if (records.isEmpty()) {
            out.println("no hosts: add one with skep hosts add ssh://USER@HOST");
            out.flush();
            return;
        }
        String format = "%-20s %-7s %-16s %-12s %-12s %-9s %-9s %s%n";
        out.printf(format, "HOST", "ROLE", "ADDRESS", "VERSION", "STATE", "INSTANCES", "LOAD", "SSH");
        try (ClusterLink link = hosts.link()) {
            Map<String, AgentInfo> agents = link.state().agents().stream()
                    .collect(Collectors.toMap(AgentInfo::id, Function.identity(), (a, b) -> a));
            var draining = link.state().drainingAgents();
            var routers = link.state().routers();
            for (HostRecord r : records) {
                String state;
                String version = r.version();
                String instances = "-";
                String load = "-";
                if ("installing".equals(r.state()) || HostRecord.UNINSTALLED.equals(r.state())) {
                    state = r.state();
                } else if ("agent".equals(r.role())) {
                    AgentInfo agent = agents.get(r.id());
                    state = agent == null ? "unreachable" : draining.contains(r.id()) ? "draining" : "ready";
                    version = agent == null ? version : agent.version();
                    instances = String.valueOf(link.state().assignments(r.id()).size());
                    load = load(agent);
                } else {
                    state = routers.stream().anyMatch(e -> e.host().equals(r.advertise())) ? "ready" : "unreachable";
                }
                out.printf(format, r.id(), r.role(), r.advertise(), version, state, instances, load, r.target());
            }
        }
        out.flush();
    }

    /**
     * The host's memory in use now, from the agent's last heartbeat (MemAvailable): what decides whether one more
     * instance fits there. "-" when the agent is gone or said nothing of its memory.
     */
    static String load(AgentInfo agent) {
        if (agent == null || agent.memoryBytes() <= 0 || agent.memoryFree() <= 0) {
            return "-";
        }
        long used = Math.max(0, agent.memoryBytes() - agent.memoryFree());
        return "mem " + Math.round(100.0 * used / agent.memoryBytes()) + "%";
    }
}
