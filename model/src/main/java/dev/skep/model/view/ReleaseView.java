package dev.skep.model.view;

import java.time.Instant;
import java.util.List;

/** A release as the API shows it: never its env values. */
public record ReleaseView(int number, String sha256, List<String> command, Instant created, String createdBy,
                         String note, boolean current) {
}
