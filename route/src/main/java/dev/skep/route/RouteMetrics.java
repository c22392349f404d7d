package dev.skep.route;

import dev.skep.model.AppId;
import dev.skep.model.TrafficCounts;
import java.util.Set;

/** What the router counted since it started, per app and per instance (the monitor reads them as counts). */
public interface RouteMetrics extends TrafficCounts {

    /** Forgets the counters of apps and instances that are not listed (deleted apps, stopped instances). */
    void retain(Set<AppId> apps, Set<String> instances);
}
