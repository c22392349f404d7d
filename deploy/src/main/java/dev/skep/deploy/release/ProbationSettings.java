package dev.skep.deploy.release;

import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import dev.skep.model.view.ProbationView;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a new release is watched after it starts serving before it counts as released, per app, in its
 * "probation" document (whole seconds; absent: the default). Dokku's default is 10 s too; 0 turns it off.
 */
public final class ProbationSettings {

    public static final String DOCUMENT = "probation";
    public static final Duration DEFAULT = Duration.ofSeconds(10);
    /** A deploy holds its app's lock and its client for the whole window: keep it short. */
    public static final Duration MAX = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger(ProbationSettings.class);

    private final AppDocuments documents;
    private final Duration defaultWindow;

    /** @param defaultWindow the window of apps that set none */
    public ProbationSettings(AppDocuments documents, Duration defaultWindow) {
        this.documents = documents;
        this.defaultWindow = check(defaultWindow);
    }

    /** The app's window; the default when it set none or its setting is unreadable. */
    public Duration of(AppId app) {
        return own(app).orElse(defaultWindow);
    }

    /** The window in force and whether it is the default, for {@code skep set}'s listing. */
    public ProbationView view(AppId app) {
        Optional<Duration> own = own(app);
        return new ProbationView(app.toString(), own.orElse(defaultWindow).toSeconds(), own.isEmpty());
    }

    /** The app's own window; empty when it set none or its setting is unreadable. */
    private Optional<Duration> own(AppId app) {
        try {
            return documents.get(app, DOCUMENT).map(String::trim).map(Long::parseLong).map(Duration::ofSeconds);
        } catch (RuntimeException e) {
            log.warn("event=probation.unreadable app={} error=\"{}\" effect=\"the default of {} s applies\"", app,
                    e.getMessage(), defaultWindow.toSeconds());
            return Optional.empty();
        }
    }

    /** Sets the app's window (whole seconds, 0 for none); returns it. */
    public Duration set(AppId app, Duration window) {
        Duration checked = check(window);
        documents.update(app, DOCUMENT, now -> Optional.of(Long.toString(checked.toSeconds())));
        log.info("event=probation.set app={} seconds={}", app, checked.toSeconds());
        return checked;
    }

    static Duration check(Duration window) {
        if (window == null || window.isNegative() || window.compareTo(MAX) > 0 || window.toNanos() % 1_000_000_000L != 0) {
            throw SkepException.badRequest("probation must be whole seconds from 0 to " + MAX.toSeconds() + ", found "
                    + (window == null ? "nothing" : window.toMillis() / 1000.0 + " s"),
                    "e.g. {\"probation\": 10}; 0 turns it off");
        }
        return window;
    }
}
