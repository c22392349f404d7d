package dev.skep.model.view;

import java.time.Instant;
import java.util.List;

/**
 * An app as the API shows it. {@code state}: "running" (all wanted instances ready), "starting",
 * "degraded", "crash-loop", "stopped", "new" (never deployed).
 */
public record AppView(String app, String user, String name, int release, int instancesWanted, boolean running,
                      String state, List<String> domains, String url, Instant updated,
                      List<InstanceView> instances, List<ReleaseView> releases) {
}
