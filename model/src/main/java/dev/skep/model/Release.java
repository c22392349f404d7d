package dev.skep.model;

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
 */
public record Release(AppId app, int number, String sha256, String slug, List<String> command,
                      Map<String, String> env, Instant created, String createdBy, String note) {

    public Release {
        if (number < 1) {
            throw new IllegalArgumentException("release number must be >= 1, found " + number);
        }
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }

    public Release withEnv(int newNumber, Map<String, String> newEnv, Instant when, String by, String why) {
        return new Release(app, newNumber, sha256, slug, command, newEnv, when, by, why);
    }
}
