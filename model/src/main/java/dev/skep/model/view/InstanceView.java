package dev.skep.model.view;

import java.time.Instant;

/** One instance as the API shows it; {@code process} is its type and number, Heroku's dyno name: "worker.1". */
public record InstanceView(String instance, int release, String host, int port, long pid, String state,
                           Instant since, int restarts, String lastExit, Long memoryBytes, Double cpuPercent,
                           String process) {

    public InstanceView(String instance, int release, String host, int port, long pid, String state,
                        Instant since, int restarts, String lastExit, Long memoryBytes, Double cpuPercent) {
        this(instance, release, host, port, pid, state, since, restarts, lastExit, memoryBytes, cpuPercent, null);
    }
}
