package dev.skep.monitor.react;

import dev.skep.monitor.rules.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes alerts to the operator's log: WARN while firing, INFO when resolved. */
public final class LogReactor implements Reactor {

    private static final Logger LOG = LoggerFactory.getLogger("skep.alerts");

    @Override
    public String name() {
        return "log";
    }

    @Override
    public void deliver(Alert alert) {
        if (alert.status() == Alert.Status.RESOLVED) {
            LOG.info("RESOLVED {} app {} instance {}: {}", alert.ruleId(), alert.appLabel(), alert.instance(),
                    alert.summary());
        } else {
            LOG.warn("{} {} app {} instance {} since {}: {}", alert.status(), alert.ruleId(), alert.appLabel(),
                    alert.instance(), alert.since(), alert.summary());
        }
    }
}
