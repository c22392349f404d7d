package dev.skep.model;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * One-off processes in an app's release (Heroku's {@code heroku run}): a command run once, the way the
 * release's instances run (its env, uid, limits, volumes, Node version), in a throwaway copy of its slug, its
 * output handed back line by line. Implemented by an agent; the API of the process that runs one uses it.
 */
public interface OneOffs {

    /**
     * Starts {@code argv} in {@code release} with the app's {@code volumes} in place; its merged stdout and
     * stderr go to {@code output}, one line at a time, from another thread.
     *
     * @throws SkepException when it cannot start (a missing slug, a bad command), saying why
     */
    Running start(Release release, List<String> volumes, List<String> argv, Consumer<String> output);

    /** The agent whose volumes a one-off here sees; null when none runs in this process. */
    String agent();

    /** A started one-off. Closing it kills whatever it still runs and removes its copy. */
    interface Running extends AutoCloseable {

        /** Its id, as an instance's: "USER.APP.RELEASE.run.N.HEX" (SKEP_PROCESS reads "run.N"). */
        String id();

        /** Its exit code, waiting at most {@code limit}; empty while it still runs. */
        OptionalInt awaitExit(Duration limit) throws InterruptedException;

        /** Kills it and whatever it left running, removes its copy; a second call does nothing. */
        @Override
        void close();
    }

    /** For a process with no agent (a controller alone): one-offs run where the app's instances run. */
    static OneOffs none() {
        return new OneOffs() {
            @Override
            public Running start(Release release, List<String> volumes, List<String> argv, Consumer<String> output) {
                throw new SkepException(SkepException.Kind.UNAVAILABLE, "this controller runs no apps, so it cannot "
                        + "run a one-off of " + release.app(), "use the API of `skep server`, where an agent runs");
            }

            @Override
            public String agent() {
                return null;
            }
        };
    }
}
