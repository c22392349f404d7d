package dev.skep.monitor.react;

import dev.skep.model.AppId;
import dev.skep.monitor.rules.Alert;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code skep alerts test}: sends one test alert through each reactor at once, on the caller's thread, and says
 * per reactor what happened, so an operator sees a wrong SMTP password now rather than at 3 a.m.
 */
public final class TestAlert {

    private TestAlert() {
    }

    /**
     * @param targets who a reactor would reach for the app, by reactor name (empty: "not configured")
     */
    public static Map<String, String> send(AppId app, List<Reactor> reactors, Function<String, List<String>> targets,
                                           Clock clock) {
        Alert alert = new Alert("test", "test", app, null, Alert.Status.FIRING, clock.instant(), clock.instant(),
                "test alert: alerts for " + (app == null ? "the install" : app) + " reach you", List.of());
        Map<String, String> out = new LinkedHashMap<>();
        for (Reactor reactor : reactors) {
            List<String> to = targets.apply(reactor.name());
            if (to != null && to.isEmpty()) {
                out.put(reactor.name(), "not configured");
                continue;
            }
            try {
                reactor.deliver(alert);
                out.put(reactor.name(), to == null ? "sent" : "sent to " + String.join(", ", to));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.put(reactor.name(), "interrupted");
                return out;
            } catch (Exception e) {
                out.put(reactor.name(), "failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
        return out;
    }
}
