package dev.skep.monitor.react;

import dev.skep.model.AppId;
import dev.skep.monitor.rules.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code skep alerts test}: sends one test alert through each reactor at once, on the caller's thread, and says
 * per reactor what happened. The caller may be a tenant: a failure says only that delivery failed (a reason such
 * as "connection refused" would make this a port scanner of the internal network); the operator's log says why,
 * so an operator sees a wrong SMTP password now rather than at 3 a.m.
 */
public final class TestAlert {

    private static final Logger LOG = LoggerFactory.getLogger(TestAlert.class);

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
                reactor.test(alert);
                out.put(reactor.name(), to == null ? "sent" : "sent to " + String.join(", ", to));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.put(reactor.name(), "interrupted");
                return out;
            } catch (DeliveryFailed e) {
                out.put(reactor.name(), "failed: " + e.getMessage());
            } catch (Exception e) {
                LOG.warn("event=alert.test_failed app={} reactor={} error=\"{}\"", alert.appLabel(), reactor.name(),
                        e.getMessage() == null ? e.toString() : e.getMessage());
                out.put(reactor.name(), "failed: delivery failed");
            }
        }
        return out;
    }
}
