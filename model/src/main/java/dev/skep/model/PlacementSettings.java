package dev.skep.model;

import java.util.Map;

/**
 * Where an app may run, kept in its "placement" document beside the spec (not in it: a change needs no release,
 * and the scheduler reads every app's from its cache).
 *
 * @param constraints labels an agent must carry to get the app's instances ({@code zone=a}); none: any agent
 */
public record PlacementSettings(Map<String, String> constraints) {

    public static final String DOCUMENT = "placement";
    public static final PlacementSettings NONE = new PlacementSettings(Map.of());

    public PlacementSettings {
        constraints = Labels.check("constraint", constraints);
    }
}
