package dev.skep.schedule;

import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.Assignment;
import dev.skep.model.Labels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses an agent for one more instance, within one planning pass. An agent is eligible when it is live, not
 * draining, carries the app's constraint labels, has room under its instance capacity and memory free for one more
 * instance at its memory limit (what the host has available, less the limits of what this pass placed there: apps
 * rarely use their whole limit, so what they hold now counts, not their limits). Among the eligible: the one with
 * the fewest instances of this app (spread over hosts), then the fewest instances in all (load), then the most
 * memory free; the id only when all of that is equal. When none is eligible, the answer says why of each agent.
 */
final class Placer {

    /** The reason when there is no agent at all. */
    static final String NO_AGENT = "no agent is running";

    /** How many agents a reason names before "and N more". */
    private static final int NAMED = 4;

    /** An agent, or why there is none. */
    record Choice(String agent, String reason) {
    }

    private final Map<String, AgentInfo> live = new LinkedHashMap<>();
    private final Set<String> draining;
    private final Map<String, Integer> load = new HashMap<>();
    private final Map<AppId, Map<String, Integer>> appLoad = new HashMap<>();
    private final Map<String, Integer> addedNow = new HashMap<>();

    Placer(List<AgentInfo> agents, Set<String> draining, List<Assignment> assignments) {
        agents.stream().sorted(Comparator.comparing(AgentInfo::id)).forEach(a -> live.put(a.id(), a));
        this.draining = draining;
        live.keySet().forEach(id -> load.put(id, 0));
        assignments.forEach(a -> {
            if (live.containsKey(a.agent())) {
                count(a.app(), a.agent());
            }
        });
    }

    /** Counts a new instance of {@code app} on {@code agent}: it will take memory the host still shows free. */
    void placed(AppId app, String agent) {
        count(app, agent);
        addedNow.merge(agent, 1, Integer::sum);
    }

    private void count(AppId app, String agent) {
        load.merge(agent, 1, Integer::sum);
        appLoad.computeIfAbsent(app, k -> new HashMap<>()).merge(agent, 1, Integer::sum);
    }

    /**
     * The agent for one more instance of {@code app}.
     *
     * @param pinned the one agent it may run on (its volumes are there), or null for any
     */
    Choice pick(AppId app, String pinned, Map<String, String> constraints) {
        if (pinned != null) {
            AgentInfo home = live.get(pinned);
            String why = home == null ? "is not running" : refusal(home, constraints);
            return why == null ? new Choice(pinned, null)
                    : new Choice(null, "its volumes are on agent " + pinned + ", which " + why);
        }
        if (live.isEmpty()) {
            return new Choice(null, NO_AGENT);
        }
        Map<String, Integer> mine = appLoad.getOrDefault(app, Map.of());
        List<String> refusals = new ArrayList<>();
        Optional<AgentInfo> best = Optional.empty();
        Comparator<AgentInfo> order = Comparator.<AgentInfo>comparingInt(a -> mine.getOrDefault(a.id(), 0))
                .thenComparingInt(a -> load.get(a.id()))
                .thenComparing(Comparator.comparingLong(this::free).reversed())
                .thenComparing(AgentInfo::id);
        for (AgentInfo agent : live.values()) {
            String why = refusal(agent, constraints);
            if (why != null) {
                refusals.add(agent.id() + " " + why);
            } else if (best.isEmpty() || order.compare(agent, best.get()) < 0) {
                best = Optional.of(agent);
            }
        }
        if (best.isPresent()) {
            return new Choice(best.get().id(), null);
        }
        String named = String.join("; ", refusals.subList(0, Math.min(NAMED, refusals.size())));
        return new Choice(null, "no agent can fit this: " + named
                + (refusals.size() > NAMED ? "; and " + (refusals.size() - NAMED) + " more" : ""));
    }

    /** Why {@code agent} cannot take one more instance, or null when it can. */
    private String refusal(AgentInfo agent, Map<String, String> constraints) {
        if (draining.contains(agent.id())) {
            return "is draining";
        }
        if (!Labels.matches(constraints, agent.labels())) {
            return "lacks " + Labels.text(constraints) + " (has " + Labels.text(agent.labels()) + ")";
        }
        int placed = load.get(agent.id());
        if (placed >= agent.capacity() && agent.capacity() > 0) {
            return "is full (" + placed + " of " + agent.capacity() + " instances)";
        }
        if (agent.memoryKnown() && free(agent) < agent.instanceMemory()) {
            return "has " + mib(free(agent)) + " free, an instance needs " + mib(agent.instanceMemory());
        }
        return null;
    }

    /** What {@code agent} has free, less the limits of the instances this pass put there; unlimited when unknown. */
    private long free(AgentInfo agent) {
        return !agent.memoryKnown() ? Long.MAX_VALUE
                : agent.memoryFree() - (long) addedNow.getOrDefault(agent.id(), 0) * agent.instanceMemory();
    }

    private static String mib(long bytes) {
        return Math.max(0, bytes) / (1024 * 1024) + " MiB";
    }
}
