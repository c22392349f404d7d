package dev.skep.route;

import dev.skep.model.InstanceStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of an app's ready instances take its requests. Those of the app's release serve; the others (a release
 * kept warm while the new one is in probation, or the old one while a candidate gets ready) stand by: a request
 * goes to them only when no serving instance can take it, so a release that dies loses no request, and the
 * routers fall back before the rollout even hears of it. When no instance of the release is ready (a first
 * deploy, a release not yet switched to), all ready instances serve.
 */
record ServingSplit(List<Backend> serving, List<Backend> standby) {

    static ServingSplit of(int release, List<InstanceStatus> ready) {
        List<Backend> serving = new ArrayList<>();
        List<Backend> standby = new ArrayList<>();
        for (InstanceStatus i : ready) {
            (i.release() == release ? serving : standby).add(new Backend(i.instance(), i.host(), i.port()));
        }
        return serving.isEmpty() ? new ServingSplit(standby, List.of()) : new ServingSplit(serving, standby);
    }
}
