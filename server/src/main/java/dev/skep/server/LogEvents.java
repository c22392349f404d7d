package dev.skep.server;

import dev.skep.model.Event;
import dev.skep.model.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Events as log lines, until the monitor's event log takes them. */
final class LogEvents implements EventSink {

    private static final Logger log = LoggerFactory.getLogger("skep.events");

    @Override
    public void emit(Event e) {
        log.info("event={} app={} release={} instance={} message=\"{}\"", e.type(), e.app(), e.release(),
                e.instance(), e.message());
    }
}
