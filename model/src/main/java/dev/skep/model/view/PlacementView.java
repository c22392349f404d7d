package dev.skep.model.view;

import java.util.Map;

/** {@code GET|PUT /v1/apps/{user}/{app}/placement}: the labels an agent must carry to run the app ({} for any). */
public record PlacementView(Map<String, String> constraints) {
}
