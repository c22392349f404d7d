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
        Map<String, Object> out = new LinkedHashMap<>(); // keys in a stable order
        if (parts.length >= 3 && isTime(parts[0]) && (parts[2].equals("stdout") || parts[2].equals("stderr"))) {
            out.put("time", parts[0]);
            out.put("instance", parts[1]);
            out.put("stream", parts[2]);
            out.put("text", parts.length == 4 ? parts[3] : "");
        } else {
            out.put("text", line);
        }
        return out;
    }

    /** {"time", "stage", "text"} */
    static Map<String, Object> build(String line) {
        String[] parts = line.split(" ", 3);
        Map<String, Object> out = new LinkedHashMap<>();
        if (parts.length >= 2 && isTime(parts[0])) {
            out.put("time", parts[0]);
            out.put("stage", parts[1]);
            out.put("text", parts.length == 3 ? parts[2] : "");
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
