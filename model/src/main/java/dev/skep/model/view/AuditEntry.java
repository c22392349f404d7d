package dev.skep.model.view;

import java.time.Instant;
import java.util.Map;

/**
 * One line of the audit log: who did what to which app, when, from where, and how it ended.
 * {@code detail} holds names and numbers only (env keys, never values; token ids, never tokens).
 */
public record AuditEntry(Instant time, String user, String from, String action, String app, int status,
                         Map<String, Object> detail) {
}
