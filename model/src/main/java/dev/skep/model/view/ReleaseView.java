package dev.skep.model.view;

import java.time.Instant;
import java.util.List;

/**
 * A release as the API shows it: never its env values.
 *
 * @param failed why the release failed (it never served, or failed its probation), or null
 */
public record ReleaseView(int number, String sha256, List<String> command, Instant created, String createdBy,
                         String note, boolean current, String failed) {

    public ReleaseView(int number, String sha256, List<String> command, Instant created, String createdBy,
                       String note, boolean current) {
        this(number, sha256, command, created, createdBy, note, current, null);
    }
}
