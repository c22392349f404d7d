package dev.skep.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One immutable, numbered release of an app: a built slug plus the config it runs with
 * (Heroku's model, so a rollback restores both). {@code env} holds secrets: never put a
 * Release in an API answer, event or log; use its safe fields.
 *
 * @param sha256    sha256 of the uploaded tarball (haibu's "hash")
 * @param slug      content id of the built slug (sha256 of its tar), where agents fetch it
 * @param command   argv to start one web instance, relative to the app dir, e.g. [node, server.js]; empty for an
 *                  app without web (a worker-only Procfile)
 * @param processes argv per process type other than web (Procfile order), e.g. worker: [node, worker.js]; empty for
 *                  releases made before process types
 * @param releasePhase argv of the Procfile's {@code release:} command, run once before the release starts; empty: none
 * @param node      the Node version it was built with and runs with, e.g. "22.23.5" (every agent runs
 *                  that one, fetching it if its host lacks it); null in releases made before skep recorded it
 * @param npm       the npm of a release on a fetched Node (the one its build ran, e.g. "8.19.4"): its bin dir comes
 *                  before node's on the instances' PATH, as in the build; null: the host's npm (a release on the
 *                  host's Node, or made before skep recorded it)
 */
public record Release(AppId app, int number, String sha256, String slug, List<String> command,
                      Map<String, String> env, Instant created, String createdBy, String note,
                      Map<String, List<String>> processes, List<String> releasePhase, String node, String npm) {

    @JsonCreator
    public Release {
        if (number < 1) {
            throw new IllegalArgumentException("release number must be >= 1, found " + number);
        }
        command = command == null ? List.of() : List.copyOf(command);
        env = Map.copyOf(env);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (processes != null) {
            processes.forEach((type, argv) -> copy.put(type, List.copyOf(argv)));
        }
        processes = Collections.unmodifiableMap(copy);
        releasePhase = releasePhase == null ? List.of() : List.copyOf(releasePhase);
    }

    /** A release that names no npm: it runs with the host's. */
    public Release(AppId app, int number, String sha256, String slug, List<String> command,
                   Map<String, String> env, Instant created, String createdBy, String note,
                   Map<String, List<String>> processes, List<String> releasePhase, String node) {
        this(app, number, sha256, slug, command, env, created, createdBy, note, processes, releasePhase, node, null);
    }

    /** A release with a web process only that names no Node version (as releases were before both). */
    public Release(AppId app, int number, String sha256, String slug, List<String> command,
                   Map<String, String> env, Instant created, String createdBy, String note) {
        this(app, number, sha256, slug, command, env, created, createdBy, note, Map.of(), List.of(), null);
    }

    /** A release with a web process only, run with Node {@code node}. */
    public Release(AppId app, int number, String sha256, String slug, List<String> command,
                   Map<String, String> env, Instant created, String createdBy, String note, String node) {
        this(app, number, sha256, slug, command, env, created, createdBy, note, Map.of(), List.of(), node);
    }

    /** A release of process types that names no Node version: it runs with the host's node. */
    public Release(AppId app, int number, String sha256, String slug, List<String> command,
                   Map<String, String> env, Instant created, String createdBy, String note,
                   Map<String, List<String>> processes, List<String> releasePhase) {
        this(app, number, sha256, slug, command, env, created, createdBy, note, processes, releasePhase, null);
    }

    public Release withEnv(int newNumber, Map<String, String> newEnv, Instant when, String by, String why) {
        return new Release(app, newNumber, sha256, slug, command, newEnv, when, by, why, processes, releasePhase, node,
                npm);
    }

    /** The types this release runs, web first when it has one, then the Procfile's order. */
    public Set<String> types() {
        Set<String> types = new LinkedHashSet<>();
        if (!command.isEmpty()) {
            types.add(ProcessTypes.WEB);
        }
        types.addAll(processes.keySet());
        return types;
    }

    /** The argv of one process type; empty when this release has no such type. */
    public List<String> commandOf(String type) {
        if (ProcessTypes.isWeb(type)) {
            return command;
        }
        return processes.getOrDefault(type, List.of());
    }
}
