package dev.skep.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.skep.api.ApiJson;
import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.ClusterSnapshots;
import dev.skep.model.PlacementSettings;
import dev.skep.model.SkepException;
import dev.skep.model.view.UnplacedView;
import dev.skep.schedule.Unplaced;
import dev.skep.schedule.UnplacedBoard;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The leader's board of unplaced instances as one "unplaced" document per app, so the API of any controller shows
 * them in {@code skep ps}. Written only when the board changes; an app that no longer has any loses its document.
 */
final class UnplacedDocuments implements UnplacedBoard {

    private final ClusterSnapshots state;
    private final AppDocuments documents;
    private final Set<AppId> written = new HashSet<>(); // the scheduler's worker thread only

    UnplacedDocuments(ClusterSnapshots state, AppDocuments documents) {
        this.state = state;
        this.documents = documents;
    }

    @Override
    public void publish(Map<AppId, List<Unplaced>> unplaced) {
        // what the (lagging) cache shows and what this process wrote itself, which the cache may not show yet
        Set<AppId> shown = new HashSet<>(written);
        shown.addAll(state.documents(PlacementSettings.UNPLACED_DOCUMENT, UnplacedView[].class).keySet());
        written.clear();
        written.addAll(unplaced.keySet());
        for (AppId app : shown) {
            if (!unplaced.containsKey(app)) {
                documents.delete(app, PlacementSettings.UNPLACED_DOCUMENT);
            }
        }
        unplaced.forEach((app, list) -> {
            List<UnplacedView> views = list.stream().map(u -> new UnplacedView(u.type(), u.missing(), u.reason()))
                    .toList();
            try {
                documents.put(app, PlacementSettings.UNPLACED_DOCUMENT, ApiJson.MAPPER.writeValueAsString(views));
            } catch (SkepException gone) {
                // the app was deleted meanwhile: nothing to show
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the unplaced instances of " + app, e);
            }
        });
    }
}
