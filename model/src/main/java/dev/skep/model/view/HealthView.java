package dev.skep.model.view;

/**
 * An app's health check as {@code GET /v1/apps/{user}/{app}/health} shows it; durations in seconds.
 *
 * @param type "http" (a GET of {@code path} must answer 2xx/3xx), "tcp" (a connect must succeed) or "off"
 */
public record HealthView(String type, String path, Double interval, Double timeout, Integer failures,
                         Double restartAfter) {
}
