package dev.skep.server;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Components started in order and closed in reverse, by one owner. */
final class Lifecycle implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final Deque<Named> started = new ArrayDeque<>();

    private record Named(String name, AutoCloseable component) {
    }

    /** Records a started component; returns it. */
    <T extends AutoCloseable> T add(String name, T component) {
        started.push(new Named(name, component));
        return component;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            Named next = started.pop();
            try {
                next.component().close();
            } catch (Exception e) {
                log.error("event=stop.failed component={} error=\"{}\"", next.name(), e.toString(), e);
            }
        }
    }
}
