package dev.skep.model.view;

import java.time.Instant;
import java.util.Map;

/** One event as the API shows it ({@code GET /v1/events}); {@code app} is "user/app" or null. */
public record EventView(Instant time, String type, String app, Integer release, String instance, String host,
                        String message, Map<String, String> data) {
}
