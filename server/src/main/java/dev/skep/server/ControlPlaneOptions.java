package dev.skep.server;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Flags of the API and the scheduler, the same for `skep server` and `skep controller`. */
final class ControlPlaneOptions {

    @Option(names = "--api-port", defaultValue = "9002", description = "default: ${DEFAULT-VALUE}")
    int apiPort;

    @Mixin
    BaseDomainOption domain = new BaseDomainOption();

    @Option(names = "--agent-grace", defaultValue = "0", description = "seconds an agent may be gone (heartbeat "
            + "silent 2 s, or its session ended) before its instances are started on other agents; raise it to ride "
            + "out agent restarts (default: ${DEFAULT-VALUE})")
    int agentGraceSeconds;
}
