package dev.skep.monitor.metrics;

import dev.skep.model.InstanceStatus;

import java.util.List;

/** The instances to sample now (those of this host: the pid must be local). */
@FunctionalInterface
public interface InstanceSource {
    List<InstanceStatus> instances();
}
