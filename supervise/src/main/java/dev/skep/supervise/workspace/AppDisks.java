package dev.skep.supervise.workspace;

import dev.skep.model.AppId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;

/**
 * Where an app's own files live on this host (its volumes, and its instances' writable layers where the
 * copies are overlays) and how much they hold against its disk quota. {@link LoopDisks} gives each app a
 * filesystem of the quota's size (the kernel refuses writes past it); {@link MeasuredDisks} keeps them in
 * the data dir and can only measure.
 */
public interface AppDisks {

    /**
     * What an app holds and may hold.
     *
     * @param used  bytes in use
     * @param limit bytes it can use at most (with a loop image: its filesystem's size, a little under the quota)
     */
    record Usage(long used, long limit) {

        /** True when {@code used} is at least {@code fraction} of {@code limit}. */
        public boolean atLeast(double fraction) {
            return limit > 0 && used >= fraction * limit;
        }
    }

    /** Makes the app's place ready for a launch (with a loop image: created and mounted); returns its volumes dir. */
    Path prepare(AppId app) throws IOException;

    /** Where the app's volumes are (the dir holding one per name); mounts an existing image, creates nothing. */
    Path volumes(AppId app);

    /** Where an instance's overlay layers go, or null for beside its mount point ({@code work/{instance}/layers}). */
    Path layers(String instance);

    /**
     * What the app holds here.
     *
     * @param instances  the app's launches on this host (instances and one-offs)
     * @param workspaces their copies, measured where no filesystem of the app's counts them
     */
    Usage usage(AppId app, Collection<String> instances, Workspaces workspaces) throws IOException;

    /** The apps that have anything here. */
    Set<AppId> apps() throws IOException;

    /**
     * True when the app's disk is mounted here and refuses writes: its filesystem turned itself read-only after a
     * write to it failed. Only filesystems of their own (loop images) can; a directory never does.
     */
    default boolean readOnly(AppId app) throws IOException {
        return false;
    }

    /**
     * What failed, why, and the way out, the same wherever an app's disk is found read-only (a launch, the agent's
     * disk watch).
     *
     * @param where the disk's image, or its host
     */
    static String readOnlyMessage(AppId app, String where) {
        return "the disk of " + app + " (" + where + ") went read-only after a write to it failed (was the "
                + "filesystem of skep's data dir full?); it is checked and repaired once none of the app's instances "
                + "runs on this host: free space there, then `skep stop " + app + "` and `skep start " + app
                + "` (a start right after the stop waits here, retrying, until the stopped instances have drained)";
    }

    /** Deletes all the app holds here (the app is gone); fails, to be retried, while something still uses it. */
    void remove(AppId app) throws IOException;

    /**
     * Deletes the layers of launches that are not in {@code known} (a former agent process died before it
     * removed them): on an app's own disk they would count against its quota for ever.
     */
    default void removeStaleLayers(Set<String> known) {
    }

    /**
     * Stops its work in the background (spare images being made) and waits for it: the agent closes, its apps
     * stopped or kept running. A closed agent's spares must not be made on beside the next agent's.
     */
    default void stopBackground() {
    }

    /**
     * Skep stops its apps and itself: what it mounted goes (the next launch mounts it again), so a stopped skep
     * holds no loop device. Best effort: what something still uses stays mounted.
     */
    default void release() {
    }

    /** The quota of each app, bytes. */
    long quota();

    /** "loop" or "measured", for logs and the API. */
    String mode();
}
