package dev.skep.supervise;

import java.time.Duration;

/** The pieces of an {@link InstanceMachine} that act on the world; the machine decides when. */
record InstanceSteps(InstanceLaunch launch, InstanceReadiness readiness, InstanceHealth health, InstanceStop stop,
                     InstanceReport report) {

    /** The agent's settings the machine acts on. */
    record Settings(Duration startTimeout, Duration drainDelay, Duration crashLoopRetry) {
        static Settings of(AgentConfig config) {
            return new Settings(config.startTimeout(), config.drainDelay(), config.restart().maxDelay());
        }
    }
}
