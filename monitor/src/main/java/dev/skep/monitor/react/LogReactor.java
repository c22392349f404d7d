package dev.skep.monitor.react;

import dev.skep.monitor.rules.Alert;
import java.util.Locale;
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
            LOG.info("event=alert.resolved rule={} app={} instance={} summary=\"{}\"", alert.ruleId(), alert.appLabel(),
                    alert.instance(), alert.summary());
        } else {
            LOG.warn("event=alert.{} rule={} app={} instance={} since={} summary=\"{}\"",
                    alert.status().toString().toLowerCase(Locale.ROOT), alert.ruleId(), alert.appLabel(),
                    alert.instance(), alert.since(), alert.summary());
        }
    }
}
