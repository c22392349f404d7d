package dev.skep.route.proxy;

import dev.skep.model.AppId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/** One JSON line per finished request on the SLF4J logger {@code skep.access}. */
public final class AccessLog {

    /** One finished request. {@code status} 499 means the client left before the response ended. */
    public record Entry(Instant time, AppId app, String instance, String method, String path, int status,
                        long bytes, double millis, String requestId) {
    }

    private static final Logger log = LoggerFactory.getLogger("skep.access");

    public boolean enabled() {
        return log.isInfoEnabled();
    }

    public void write(Entry e) {
        if (log.isInfoEnabled()) {
            log.info(json(e));
        }
    }

    static String json(Entry e) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"time\":\"").append(e.time()).append('"');
        b.append(",\"app\":");
        string(b, e.app() == null ? null : e.app().toString());
        b.append(",\"instance\":");
        string(b, e.instance());
        b.append(",\"method\":");
        string(b, e.method());
        b.append(",\"path\":");
        string(b, e.path());
        b.append(",\"status\":").append(e.status());
        b.append(",\"bytes\":").append(e.bytes());
        b.append(",\"ms\":").append(Math.round(e.millis() * 1000) / 1000.0);
        b.append(",\"request_id\":");
        string(b, e.requestId());
        return b.append('}').toString();
    }

    private static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
