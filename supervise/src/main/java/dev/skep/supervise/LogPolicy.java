package dev.skep.supervise;

/**
 * Log capture bounds. Per instance the log directory holds at most about
 * {@code maxBytes * (filesKept + 1)} bytes, plus the raw capture files, which are truncated once
 * they have been consumed past {@code rawTruncateBytes}.
 *
 * @param maxBytes         rotate the active file when it would grow past this
 * @param filesKept        rotated files kept ({instance}.log.1 .. .N), the oldest is dropped
 * @param rawTruncateBytes truncate a raw stdout/stderr capture file once this much of it was consumed
 */
public record LogPolicy(long maxBytes, int filesKept, long rawTruncateBytes) {

    public static final LogPolicy DEFAULT = new LogPolicy(10L * 1024 * 1024, 5, 256L * 1024);

    public LogPolicy {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("maxBytes must be >= 1024, found " + maxBytes);
        }
        if (filesKept < 0) {
            throw new IllegalArgumentException("filesKept must be >= 0, found " + filesKept);
        }
        if (rawTruncateBytes < 1) {
            throw new IllegalArgumentException("rawTruncateBytes must be >= 1, found " + rawTruncateBytes);
        }
    }
}
