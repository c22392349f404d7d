package dev.skep.server;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How long an instance has to get ready: one flag of `skep server`, `skep agent` and `skep controller`. */
final class StartTimeoutOption {

    @Option(names = "--start-timeout", defaultValue = "60", description = "seconds an instance has to get ready (default: ${DEFAULT-VALUE})")
    int startTimeoutSeconds;

    Duration duration() {
        return Duration.ofSeconds(startTimeoutSeconds);
    }
}
