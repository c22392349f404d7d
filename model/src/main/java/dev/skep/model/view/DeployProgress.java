package dev.skep.model.view;

/**
 * One line of a streamed deploy (Accept: application/x-ndjson): stage is "received", "unpacked",
 * "build" (with an npm output line), "built", "starting", then "done" (with result) or "error".
 */
public record DeployProgress(String stage, String message, Long bytes, DeployResult result, ApiError error) {
}
