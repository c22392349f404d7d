package dev.skep.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the owner wants for an app: the desired state the scheduler works towards.
 *
 * @param release    the release that serves, 0 before the first successful deploy
 * @param candidate  a release being rolled out (0: none): the scheduler runs it beside the
 *                   serving one, which stays until the candidate is ready and becomes the release
 * @param running    false after "stop": no instances wanted, the spec is kept
 * @param env        the config for the next release (secrets: owner-only)
 * @param generation bumped by "restart": instances of an older generation are replaced, rolling
 * @param warm       a release kept running, out of the routers' way, while {@code release} is in probation (0: none):
 *                   its instances are not withdrawn, so traffic can go back to them at once
 * @param instances  how many web instances (the field's name from before process types, so an old spec reads as is)
 * @param formation  how many instances of each other process type, where the owner scaled it; a type not named
 *                   runs {@link #DEFAULT_COUNT} (Heroku's default formation: one of each)
 * @param volumes    directories that outlive instances and releases (absent in older state: none)
 */
public record AppSpec(AppId id, int release, int candidate, int instances, boolean running,
                      Map<String, String> env, List<String> domains, long generation, Instant updated, int warm,
                      Map<String, Integer> formation, List<Volume> volumes) {

    /** Instances of a process type other than web that nobody scaled. */
    public static final int DEFAULT_COUNT = 1;

    @JsonCreator // the canonical one, not the shorter ones below
    public AppSpec {
        if (instances < 0) {
            throw new IllegalArgumentException("instances must be >= 0, found " + instances);
        }
        env = Map.copyOf(env);
        domains = List.copyOf(domains);
        Map<String, Integer> counts = new TreeMap<>();
        if (formation != null) {
            formation.forEach((type, n) -> {
                if (n == null || n < 0) {
                    throw new IllegalArgumentException(type + " instances must be >= 0, found " + n);
                }
                if (!ProcessTypes.isWeb(type)) {
                    counts.put(type, n);
                }
            });
        }
        formation = Collections.unmodifiableMap(counts);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    public AppSpec(AppId id, int release, int candidate, int instances, boolean running,
                   Map<String, String> env, List<String> domains, long generation, Instant updated, int warm) {
        this(id, release, candidate, instances, running, env, domains, generation, updated, warm, Map.of(), List.of());
    }

    /** A spec without volumes. */
    public AppSpec(AppId id, int release, int candidate, int instances, boolean running,
                   Map<String, String> env, List<String> domains, long generation, Instant updated, int warm,
                   Map<String, Integer> formation) {
        this(id, release, candidate, instances, running, env, domains, generation, updated, warm, formation, List.of());
    }

    /** A spec of a web-only formation (as before process types). */
    public AppSpec(AppId id, int release, int candidate, int instances, boolean running,
                   Map<String, String> env, List<String> domains, long generation, Instant updated, int warm,
                   List<Volume> volumes) {
        this(id, release, candidate, instances, running, env, domains, generation, updated, warm, Map.of(), volumes);
    }

    public static AppSpec create(AppId id, Instant now) {
        return new AppSpec(id, 0, 0, 1, true, Map.of(), List.of(), 0, now, 0, Map.of(), List.of());
    }

    /** How many instances of {@code type} the owner wants (while the app runs). */
    public int count(String type) {
        return ProcessTypes.isWeb(type) ? instances : formation.getOrDefault(type, DEFAULT_COUNT);
    }

    /** Sets the counts of the types named (web included), keeping the others. */
    public AppSpec withCounts(Map<String, Integer> counts, Instant now) {
        int web = counts.getOrDefault(ProcessTypes.WEB, instances);
        Map<String, Integer> merged = new TreeMap<>(formation);
        counts.forEach((type, n) -> {
            if (!ProcessTypes.isWeb(type)) {
                merged.put(type, n);
            }
        });
        return new AppSpec(id, release, candidate, web, running, env, domains, generation, now, warm, merged, volumes);
    }

    /** The release the scheduler should run now: the candidate while one rolls out. */
    public int target() {
        return candidate > 0 ? candidate : release;
    }

    public AppSpec withCandidate(int n, Instant now) {
        return new AppSpec(id, release, n, instances, running, env, domains, generation, now, warm, formation, volumes);
    }

    /** The candidate made it: it is the release now (no release is kept warm). */
    public AppSpec withRelease(int n, Instant now) {
        return new AppSpec(id, n, 0, instances, true, env, domains, generation, now, 0, formation, volumes);
    }

    /** Keeps release {@code n}'s instances running beside the release in probation; 0 lets them go. */
    public AppSpec withWarm(int n, Instant now) {
        return new AppSpec(id, release, candidate, instances, running, env, domains, generation, now, n, formation, volumes);
    }

    public AppSpec withRunning(boolean run, Instant now) {
        return new AppSpec(id, release, candidate, instances, run, env, domains, generation, now, warm, formation, volumes);
    }

    public AppSpec withInstances(int n, Instant now) {
        return new AppSpec(id, release, candidate, n, running, env, domains, generation, now, warm, formation, volumes);
    }

    public AppSpec withEnv(Map<String, String> newEnv, Instant now) {
        return new AppSpec(id, release, candidate, instances, running, newEnv, domains, generation, now, warm, formation, volumes);
    }

    public AppSpec withDomains(List<String> newDomains, Instant now) {
        return new AppSpec(id, release, candidate, instances, running, env, newDomains, generation, now, warm, formation, volumes);
    }

    /** New volumes roll out like a restart: every instance is replaced, rolling, by one that mounts them. */
    public AppSpec withVolumes(List<Volume> newVolumes, Instant now) {
        return new AppSpec(id, release, candidate, instances, running, env, domains, generation, now, warm, formation, newVolumes);
    }

    /** The agent that holds the app's volumes, or null when it has none (then it may run anywhere). */
    public String volumeAgent() {
        return volumes.isEmpty() ? null : volumes.get(0).agent();
    }

    /** Asks for a rolling restart of every instance. */
    public AppSpec restarted(Instant now) {
        return new AppSpec(id, release, candidate, instances, true, env, domains, generation + 1, now, warm, formation, volumes);
    }
}
