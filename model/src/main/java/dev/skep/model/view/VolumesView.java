package dev.skep.model.view;

import java.time.Instant;
import java.util.List;

/**
 * An app's volumes.
 *
 * @param agent where they are kept, so where the app runs (null: the app has none)
 * @param disk  the app's disk use against its quota on the host that answered, or null when unknown there
 */
public record VolumesView(String app, String agent, List<Entry> volumes, Disk disk) {

    /**
     * @param used  bytes its volumes and writable copies hold on that host
     * @param quota bytes it may hold there
     * @param mode  "loop": the kernel refuses writes past the quota (a filesystem image of its own);
     *              "measured": skep measures and warns, nothing stops a write
     */
    public record Disk(long used, long quota, String mode) {
    }

    /** @param bytes what the files in it hold, or null when it is on another host (or not created yet: 0) */
    public record Entry(String path, String agent, Instant created, Long bytes) {
    }
}
