package dev.skep.model.view;

import java.time.Instant;

/** One instance as the API shows it. */
public record InstanceView(String instance, int release, String host, int port, long pid, String state,
                           Instant since, int restarts, String lastExit, Long memoryBytes, Double cpuPercent) {
}
