package dev.skep.schedule;

import dev.skep.model.AppId;

/** Instances of an app the planner wanted but could put on no agent, and why. */
public record Unplaced(AppId app, String type, int missing, String reason) {
}
