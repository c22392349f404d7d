package dev.skep.model.view;

import java.util.Map;

/** What {@code POST .../alerts/test} did, per reactor: "sent to ...", "failed: ...", or "not configured". */
public record AlertTestResult(String app, Map<String, String> reactors) {
}
