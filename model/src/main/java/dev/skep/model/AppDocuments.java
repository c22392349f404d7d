package dev.skep.model;

import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Small JSON documents kept per app beside its spec (alert settings, health check), written by the API and
 * read by the monitor and agents. They live and die with the app: deleting the app deletes them.
 * Names are fixed words of skep ("alerts", "health"), never user input.
 */
public interface AppDocuments {

    Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");

    /** The document, or empty when the app has none of that name (or the app does not exist). */
    Optional<String> get(AppId app, String name);

    /** Creates or replaces the document; NOT_FOUND when the app does not exist. */
    void put(AppId app, String name, String json);

    /** Removes the document; nothing happens when it is absent. */
    void delete(AppId app, String name);

    /**
     * Read-modify-write: {@code change} gets the document (empty when absent) and returns the new one (empty to
     * delete it). Two writers never lose each other's change: an implementation that can be raced re-runs
     * {@code change} on what the other wrote, so it must not have side effects. Returns what was written.
     */
    default Optional<String> update(AppId app, String name, UnaryOperator<Optional<String>> change) {
        Optional<String> next = change.apply(get(app, name));
        if (next.isPresent()) {
            put(app, name, next.get());
        } else {
            delete(app, name);
        }
        return next;
    }

    static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("document name must match " + NAME + ", found '" + name + "'");
        }
        return name;
    }
}
