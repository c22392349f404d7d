package dev.skep.monitor.metrics;

import dev.skep.model.AppId;

import java.util.function.Consumer;

/** Receives every instance sample, and hears when an instance is no longer listed. Must be quick. */
public interface SampleListener {

    void sample(InstanceSample sample);

    /** The instance left the source's list (stopped, moved): forget it. */
    default void gone(AppId app, String instance) {
    }

    static SampleListener of(Consumer<InstanceSample> consumer) {
        return consumer::accept;
    }
}
