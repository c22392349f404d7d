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
    /** The app's instances the scheduler's leader can place nowhere, with why (a list of view.UnplacedView). */
    public static final String UNPLACED_DOCUMENT = "unplaced";
    public static final PlacementSettings NONE = new PlacementSettings(Map.of());

    public PlacementSettings {
        constraints = Labels.check("constraint", constraints);
    }
}
