package dev.skep.supervise;

import dev.skep.model.AppId;
import dev.skep.supervise.workspace.AppDisks;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says once when an app's disk crosses {@code full}, and not again until it has dropped below {@code clear}
 * (a little lower, so a disk hovering at the line does not send an alert every check).
 */
final class FullnessLatch {

    private final double full;
    private final double clear;
    private final Map<AppId, Boolean> raised = new ConcurrentHashMap<>();

    FullnessLatch(double full, double clear) {
        if (!(clear <= full)) {
            throw new IllegalArgumentException("clear (" + clear + ") must be at most full (" + full + ")");
        }
        this.full = full;
        this.clear = clear;
    }

    /** True when this usage crosses the line upward (at most once until it drops below the clear line). */
    boolean crossed(AppId app, AppDisks.Usage usage) {
        if (usage.atLeast(full)) {
            return raised.put(app, Boolean.TRUE) == null;
        }
        if (!usage.atLeast(clear)) {
            raised.remove(app);
        }
        return false;
    }

    void forget(AppId app) {
        raised.remove(app);
    }
}
