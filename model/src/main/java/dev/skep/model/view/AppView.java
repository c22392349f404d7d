package dev.skep.model.view;

import java.time.Instant;
import java.util.List;

/**
 * An app as the API shows it. {@code state}: "running" (all wanted instances ready), "starting",
 * "degraded", "crash-loop", "stopped", "new" (never deployed). {@code volumes}: the paths of its volumes,
 * kept on agent {@code volumesAgent}, the one agent its instances run on (null when it has none).
 */
public record AppView(String app, String user, String name, int release, int instancesWanted, boolean running,
                      String state, List<String> domains, String url, Instant updated,
                      List<InstanceView> instances, List<ReleaseView> releases,
                      List<String> volumes, String volumesAgent) {
}
