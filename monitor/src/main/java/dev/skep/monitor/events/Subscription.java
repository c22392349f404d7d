package dev.skep.monitor.events;

/** A live subscription to the event log; close it to stop delivery. */
public interface Subscription extends AutoCloseable {

    /** Events dropped because this subscriber fell behind (the oldest are dropped first). */
    long dropped();

    @Override
    void close();
}
