package dev.skep.model.view;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;

/**
 * A release as the API shows it: never its env values.
 *
 * @param failed      why the release failed (it never served, or failed its probation), or null
 * @param status      live, deploying, failed, superseded (older than live) or rolled back (newer than live)
 * @param buildMillis how long its install and build took (0: an upload built before was reused); null when the
 *                    controller answering did not build it
 * @param uploadBytes the upload's size, null when not known here
 * @param slugBytes   the built slug's size on disk, null when not known (yet)
 * @param node        the Node version it runs with, e.g. "22.23.5"; null when the release predates the record
 */
public record ReleaseView(int number, String sha256, List<String> command, Instant created, String createdBy,
                         String note, boolean current, String failed, String status, Long buildMillis,
                         Long uploadBytes, Long slugBytes, String node) {

    @JsonCreator
    public ReleaseView {
    }

    public ReleaseView(int number, String sha256, List<String> command, Instant created, String createdBy,
                       String note, boolean current, String failed, String status, Long buildMillis,
                       Long uploadBytes, Long slugBytes) {
        this(number, sha256, command, created, createdBy, note, current, failed, status, buildMillis, uploadBytes,
                slugBytes, null);
    }

    public ReleaseView(int number, String sha256, List<String> command, Instant created, String createdBy,
                       String note, boolean current) {
        this(number, sha256, command, created, createdBy, note, current, null, current ? "live" : null, null, null,
                null, null);
    }
}
