package dev.skep.server;

import dev.skep.deploy.intake.UploadLimits;
import dev.skep.deploy.release.ReleasePolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The controller role's settings: `skep controller`'s, or the controller within `skep server`.
 *
 * @param id            this controller's id among controllers (leadership, rollout claims, registration)
 * @param bind          address of the API
 * @param apiPort       port of the API
 * @param advertiseHost the address other hosts reach the API at
 * @param baseDomain    apps without a domain of their own are APP.baseDomain
 * @param startTimeout  the agents' start timeout: a rollout waits that (and 5 s) for an instance to get ready
 * @param agentGrace    how long an agent may be gone before the scheduler places its instances elsewhere
 * @param uploadLimits  what a deploy's upload may hold
 * @param security      TLS of the API and the apps' resource limits
 * @param releases      how long a new release is watched: its probation (for apps that set none) and auto-rollback
 * @param oneHost       the only controller, of a `skep server` on its embedded ZooKeeper: it recovers the rollouts
 *                      its last run left, claims none, leads on its main session and copies no slugs from others
 */
public record ControllerSettings(String id, String bind, int apiPort, String advertiseHost, String baseDomain,
                                 Duration startTimeout, Duration agentGrace, UploadLimits uploadLimits,
                                 SecurityConfig security, ReleasePolicy releases, boolean oneHost) {

    public ControllerSettings {
        Objects.requireNonNull(security, "security");
    }
}
