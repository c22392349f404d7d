package dev.skep.model.view;

import java.time.Instant;
import java.util.List;

/**
 * An app's volumes.
 *
 * @param agent where they are kept, so where the app runs (null: the app has none)
 */
public record VolumesView(String app, String agent, List<Entry> volumes) {

    /** @param bytes what the files in it hold, or null when it is on another host (or not created yet: 0) */
    public record Entry(String path, String agent, Instant created, Long bytes) {
    }
}
