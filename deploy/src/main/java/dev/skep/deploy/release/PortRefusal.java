package dev.skep.deploy.release;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a release did not start when its app tried to listen somewhere other than its PORT: skep's bind guard
 * answers such a bind with EPERM, Node throws "listen EPERM: operation not permitted 127.0.0.1:39517", and the
 * app dies (or never listens). Heroku fails the same app with R10; the deploy says what to change.
 */
final class PortRefusal {

    /**
     * The address as Node prints it ({@code 0.0.0.0:3000}, {@code :::3000}, {@code [::1]:80}) and nothing after: Nest's
     * logger colours the line, and its escape codes follow the port with no space.
     */
    private static final Pattern REFUSED =
            Pattern.compile("\\b(?:listen|bind) EPERM: operation not permitted ([0-9A-Fa-f.:\\[\\]]*:\\d+)");

    private PortRefusal() {
    }

    /** The advice for the deploy's answer, when the last log lines show a refused listen. */
    static Optional<String> in(List<String> lastLines) {
        for (String line : lastLines) {
            Matcher m = REFUSED.matcher(line);
            if (m.find()) {
                return Optional.of("it tried to listen on " + m.group(1) + ", which skep refuses: an app may listen "
                        + "only on the port skep gives it in $PORT; make it listen on process.env.PORT");
            }
        }
        return Optional.empty();
    }
}
