package dev.skep.api;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API's answers that never end on their own (a log or the events followed: {@code skep logs -f}, the
 * dashboard's live log). Each waits on a queue on a thread of its own; closed before the API stops, this interrupts
 * them, so each ends its answer (its client hears the stream end) instead of holding Jetty's graceful stop for its
 * 2 s, which then logged 'Javalin failed to stop gracefully' and stop.failed, stack traces, on every plain stop of
 * skep while anyone followed.
 */
public final class Follows implements AutoCloseable {

    private final Set<Thread> following = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** The calling thread follows until the handle is closed; it is interrupted when the API stops. */
    public AutoCloseable enter() {
        Thread me = Thread.currentThread();
        following.add(me);
        if (closed) { // began as the API was stopping
            me.interrupt();
        }
        return () -> following.remove(me);
    }

    @Override
    public void close() {
        closed = true;
        following.forEach(Thread::interrupt);
    }
}
