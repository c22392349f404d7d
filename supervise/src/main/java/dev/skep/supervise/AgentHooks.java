package dev.skep.supervise;

import dev.skep.model.AppId;
import dev.skep.model.HealthCheck;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the composition root lends the agent from other stages, as plain functions (the agent imports no other
 * stage): extra variables for an instance's environment (the monitor's heartbeat URL and secret), and an app's
 * health check (from the app's settings). Both are called often and must be quick (cache reads).
 *
 * @param environment instance id to variables added to its environment (skep's own PORT, SKEP_APP ... win)
 * @param health      the app's health check, or null for none (ready = the port accepts; no checks while running)
 */
public record AgentHooks(Function<String, Map<String, String>> environment, Function<AppId, HealthCheck> health) {

    public AgentHooks {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(health, "health");
    }

    public static AgentHooks none() {
        return new AgentHooks(instance -> Map.of(), app -> null);
    }
}
