package dev.skep.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One immutable, numbered release of an app: a built slug plus the config it runs with
 * (Heroku's model, so a rollback restores both). {@code env} holds secrets: never put a
 * Release in an API answer, event or log; use its safe fields.
 *
 * @param sha256  sha256 of the uploaded tarball (haibu's "hash")
 * @param slug    content id of the built slug (sha256 of its tar), where agents fetch it
 * @param command argv to start one instance, relative to the app dir, e.g. [node, server.js]
 * @param node    the Node version it was built with and runs with, e.g. "22.23.5" (every agent runs
 *                that one, fetching it if its host lacks it); null in releases made before skep recorded it
 */
public record Release(AppId app, int number, String sha256, String slug, List<String> command,
                      Map<String, String> env, Instant created, String createdBy, String note, String node) {

    @JsonCreator
    public Release {
        if (number < 1) {
            throw new IllegalArgumentException("release number must be >= 1, found " + number);
        }
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }

    /** A release that names no Node version: it runs with the host's node. */
    public Release(AppId app, int number, String sha256, String slug, List<String> command,
                   Map<String, String> env, Instant created, String createdBy, String note) {
        this(app, number, sha256, slug, command, env, created, createdBy, note, null);
    }

    public Release withEnv(int newNumber, Map<String, String> newEnv, Instant when, String by, String why) {
        return new Release(app, newNumber, sha256, slug, command, newEnv, when, by, why, node);
    }
}
