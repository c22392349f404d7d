package dev.skep.model;

import java.time.Instant;

/** A host that runs instances; its node vanishes with its ZooKeeper session. */
public record AgentInfo(String id, String host, int capacity, String version, Instant started) {
}
