package dev.skep.model.view;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An app as the API shows it. {@code state}: "running" (all wanted instances ready), "starting",
 * "degraded", "crash-loop", "stopped", "sleeping" (idle stop: no instance until a request comes), "new" (never
 * deployed). {@code instancesWanted} counts every process
 * type; {@code formation} says how many of each the app wants (web first, then the Procfile's order).
 * {@code volumes}: the paths of its volumes, kept on agent {@code volumesAgent}, the one agent its instances
 * run on (null when it has none).
 */
public record AppView(String app, String user, String name, int release, int instancesWanted, boolean running,
                      String state, List<String> domains, String url, Instant updated,
                      List<InstanceView> instances, List<ReleaseView> releases,
                      List<String> volumes, String volumesAgent, Map<String, Integer> formation,
                      List<UnplacedView> unplaced) {

    @JsonCreator // the canonical one, not the shorter ones below
    public AppView {
    }

    /** {@code unplaced}: instances the scheduler can put on no agent, and why (none: empty or null). */
    public AppView(String app, String user, String name, int release, int instancesWanted, boolean running,
                   String state, List<String> domains, String url, Instant updated,
                   List<InstanceView> instances, List<ReleaseView> releases,
                   List<String> volumes, String volumesAgent, Map<String, Integer> formation) {
        this(app, user, name, release, instancesWanted, running, state, domains, url, updated, instances, releases,
                volumes, volumesAgent, formation, null);
    }

    public AppView(String app, String user, String name, int release, int instancesWanted, boolean running,
                   String state, List<String> domains, String url, Instant updated,
                   List<InstanceView> instances, List<ReleaseView> releases) {
        this(app, user, name, release, instancesWanted, running, state, domains, url, updated, instances, releases,
                null, null, null);
    }

    public AppView(String app, String user, String name, int release, int instancesWanted, boolean running,
                   String state, List<String> domains, String url, Instant updated,
                   List<InstanceView> instances, List<ReleaseView> releases,
                   List<String> volumes, String volumesAgent) {
        this(app, user, name, release, instancesWanted, running, state, domains, url, updated, instances, releases,
                volumes, volumesAgent, null);
    }
}
