package dev.skep.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the owner wants for an app: the desired state the scheduler works towards.
 *
 * @param release    the release that should run, 0 before the first successful deploy
 * @param running    false after "stop": no instances wanted, the spec is kept
 * @param env        the config for the next release (secrets: owner-only)
 * @param generation bumped by "restart": instances of an older generation are replaced, rolling
 */
public record AppSpec(AppId id, int release, int instances, boolean running, Map<String, String> env,
                      List<String> domains, long generation, Instant updated) {

    public AppSpec {
        if (instances < 0) {
            throw new IllegalArgumentException("instances must be >= 0, found " + instances);
        }
        env = Map.copyOf(env);
        domains = List.copyOf(domains);
    }

    public static AppSpec create(AppId id, Instant now) {
        return new AppSpec(id, 0, 1, true, Map.of(), List.of(), 0, now);
    }

    public AppSpec withRelease(int n, Instant now) {
        return new AppSpec(id, n, instances, true, env, domains, generation, now);
    }

    public AppSpec withRunning(boolean run, Instant now) {
        return new AppSpec(id, release, instances, run, env, domains, generation, now);
    }

    public AppSpec withInstances(int n, Instant now) {
        return new AppSpec(id, release, n, running, env, domains, generation, now);
    }

    public AppSpec withEnv(Map<String, String> newEnv, Instant now) {
        return new AppSpec(id, release, instances, running, newEnv, domains, generation, now);
    }

    public AppSpec withDomains(List<String> newDomains, Instant now) {
        return new AppSpec(id, release, instances, running, env, newDomains, generation, now);
    }

    /** Asks for a rolling restart of every instance. */
    public AppSpec restarted(Instant now) {
        return new AppSpec(id, release, instances, true, env, domains, generation + 1, now);
    }
}
