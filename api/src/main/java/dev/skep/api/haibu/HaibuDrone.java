package dev.skep.api.haibu;

import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * haibu's {@code {"drone": {...}}} answer for one started instance, as its client reads it after a deploy or a
 * start ({@code result.drone.port}, {@code host}, {@code name}, {@code user}...), plus skep's instance and URL.
 */
public final class HaibuDrone {

    private HaibuDrone() {
    }

    public static Map<String, Object> of(Release release, InstanceStatus instance, String url) {
        Map<String, Object> drone = new LinkedHashMap<>();
        drone.put("user", release.app().user());
        drone.put("name", release.app().name());
        drone.put("release", release.number());
        drone.put("hash", release.sha256());
        drone.put("host", instance.host());
        drone.put("port", instance.port());
        drone.put("pid", instance.pid());
        drone.put("ctime", instance.since().toEpochMilli());
        drone.put("status", "started");
        drone.put("instance", instance.instance());
        drone.put("url", url);
        return Map.of("drone", drone);
    }
}
