package dev.skep.model;

/** Tells when the cluster's state moved, and whether it can be reached at all. A view of {@link ClusterState}. */
public interface ChangeFeed {

    /** Runs the listener (on a state thread, must not block) after any change; close to stop. */
    AutoCloseable onChange(Runnable listener);

    /** False while the store is cut off (ZooKeeper unreachable or without quorum): reads are the last known state. */
    default boolean reachable() {
        return true;
    }
}
