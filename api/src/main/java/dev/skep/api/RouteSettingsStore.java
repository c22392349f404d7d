package dev.skep.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.RouteSettings;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's router settings (body limit, HTTPS only), in its "route" document: written by the API, read
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
        return documents.get(app, RouteSettings.DOCUMENT).map(json -> {
            try {
                return ApiJson.MAPPER.readValue(json, RouteSettings.class);
            } catch (IOException e) {
                throw new IllegalStateException("route settings of " + app + " are not valid: " + e.getMessage(), e);
            }
        }).orElse(RouteSettings.DEFAULTS);
    }

    /** Changes what is named (null: keep) and returns the settings now in force. */
    public RouteSettings apply(AppId app, Long maxBodyBytes, Boolean httpsOnly) {
        RouteSettings next = read(app).with(maxBodyBytes, httpsOnly);
        if (next.equals(RouteSettings.DEFAULTS)) {
            documents.delete(app, RouteSettings.DOCUMENT);
        } else {
            try {
                documents.put(app, RouteSettings.DOCUMENT, ApiJson.MAPPER.writeValueAsString(next));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write route settings", e);
            }
        }
        log.info("event=route.settings app={} max_body_bytes={} https_only={}", app, next.maxBodyBytes(),
                next.httpsOnly());
        return next;
    }
}
