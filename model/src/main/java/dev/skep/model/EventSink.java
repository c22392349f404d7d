package dev.skep.model;

/** Where stages report what happened. Must not block for long or throw. */
@FunctionalInterface
public interface EventSink {
    void emit(Event event);
}
