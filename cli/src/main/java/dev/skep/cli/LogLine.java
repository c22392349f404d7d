package dev.skep.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A log line as `--json` prints it: the API sends text, {@code TIME INSTANCE STREAM TEXT} for an app's log and
 * {@code TIME STAGE MESSAGE} for a build log; a line of another shape keeps only its text, nothing is dropped.
 */
final class LogLine {

    private LogLine() {
    }

    /** {"time", "instance", "stream", "text"} */
    static Map<String, Object> app(String line) {
        String[] parts = line.split(" ", 4);
        boolean stream = parts.length >= 3 && (parts[2].equals("stdout") || parts[2].equals("stderr"));
        return fields(line, parts, stream, "time", "instance", "stream", "text");
    }

    /** {"time", "stage", "text"} */
    static Map<String, Object> build(String line) {
        return fields(line, line.split(" ", 3), true, "time", "stage", "text");
    }

    /** The parts under their keys (the text may be empty) when the line has that shape, else the text alone. */
    private static Map<String, Object> fields(String line, String[] parts, boolean shaped, String... keys) {
        Map<String, Object> out = new LinkedHashMap<>(); // keys in a stable order
        if (shaped && parts.length >= keys.length - 1 && isTime(parts[0])) {
            for (int i = 0; i < keys.length; i++) {
                out.put(keys[i], i < parts.length ? parts[i] : "");
            }
        } else {
            out.put("text", line);
        }
        return out;
    }

    /** An ISO-8601 instant as the server writes them (2026-11-26T01:02:03.456Z): cheap, no parsing. */
    private static boolean isTime(String s) {
        return s.length() >= 20 && s.charAt(4) == '-' && s.charAt(10) == 'T' && s.endsWith("Z");
    }
}
