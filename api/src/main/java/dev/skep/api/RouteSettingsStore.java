package dev.skep.api;

import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.RouteSettings;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's router settings (body limit, HTTPS only, sticky sessions), in its "route" document: written by the API, read
 * by every router from its state snapshot. A change needs no release; the routers apply it at once.
 */
public final class RouteSettingsStore {

    private static final Logger log = LoggerFactory.getLogger(RouteSettingsStore.class);

    private final AppDocuments documents;

    public RouteSettingsStore(AppDocuments documents) {
        this.documents = documents;
    }

    /** The app's settings; the defaults when it has none. */
    public RouteSettings read(AppId app) {
        return parse(app, documents.get(app, RouteSettings.DOCUMENT));
    }

    private static RouteSettings parse(AppId app, Optional<String> document) {
        return ApiJson.readDocument(app, document, RouteSettings.class, "route settings")
                .orElse(RouteSettings.DEFAULTS);
    }

    /** Changes what is named (null: keep) and returns the settings now in force. */
    public RouteSettings apply(AppId app, Long maxBodyBytes, Boolean httpsOnly, Boolean sticky) {
        return apply(app, maxBodyBytes, httpsOnly, sticky, null);
    }

    /** As {@link #apply(AppId, Long, Boolean, Boolean)}, with the idle stop in seconds (0: off). */
    public RouteSettings apply(AppId app, Long maxBodyBytes, Boolean httpsOnly, Boolean sticky, Long idleStopSeconds) {
        // one atomic read-modify-write: two PATCHes naming different settings both land
        RouteSettings next = documents.update(app, RouteSettings.DOCUMENT, now -> {
            RouteSettings changed = parse(app, now).with(maxBodyBytes, httpsOnly, sticky, idleStopSeconds);
            return changed.equals(RouteSettings.DEFAULTS) ? Optional.empty()
                    : Optional.of(ApiJson.writeDocument(changed, "route settings"));
        }).map(json -> parse(app, Optional.of(json))).orElse(RouteSettings.DEFAULTS);
        log.info("event=route.settings app={} max_body_bytes={} https_only={} sticky={} idle_stop_s={}", app,
                next.maxBodyBytes(), next.httpsOnly(), next.sticky(), next.idleStopSeconds());
        return next;
    }
}
