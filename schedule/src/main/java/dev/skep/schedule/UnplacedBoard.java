package dev.skep.schedule;

import dev.skep.model.AppId;
import java.util.List;
import java.util.Map;

/** Where the leader puts what it cannot place, for the API to show on any controller. */
@FunctionalInterface
public interface UnplacedBoard {

    /** Every app with unplaced instances now (an app absent has none any more). */
    void publish(Map<AppId, List<Unplaced>> unplaced);

    static UnplacedBoard none() {
        return unplaced -> { };
    }
}
