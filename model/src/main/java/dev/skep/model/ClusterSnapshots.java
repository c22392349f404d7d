package dev.skep.model;

import java.util.Map;

/**
 * Everything at once, for loops that re-read the cluster on every change ({@link ChangeFeed}). Served from a
 * local cache that may lag writes by milliseconds: such loops run again on the change that follows when the cache
 * catches up. A view of {@link ClusterState}.
 */
public interface ClusterSnapshots {

    ClusterSnapshot snapshot();

    /**
     * Every app's document of one name (see {@link AppDocuments}) decoded as {@code type}, served like
     * {@link #snapshot()}; unreadable ones are left out. For the routers, which read settings of all apps on every
     * change. None unless the implementation keeps them.
     */
    default <T> Map<AppId, T> documents(String name, Class<T> type) {
        return Map.of();
    }
}
