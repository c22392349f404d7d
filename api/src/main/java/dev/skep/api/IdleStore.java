package dev.skep.api;

import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.IdleState;
import java.io.IOException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * An app's "idle" document ({@link IdleState}): each change an atomic read-modify-write, so a router's report, a
 * router's wake and the controller's sleep never lose one another (a sleep decided on a stale view is re-checked on
 * the document as it is).
 */
public final class IdleStore {

    private final AppDocuments documents;

    public IdleStore(AppDocuments documents) {
        this.documents = documents;
    }

    public IdleState read(AppId app) {
        return parse(documents.get(app, IdleState.DOCUMENT));
    }

    static IdleState parse(Optional<String> json) {
        return json.map(j -> {
            try {
                return ApiJson.MAPPER.readValue(j, IdleState.class);
            } catch (IOException e) {
                return IdleState.AWAKE; // rewritten whole by the next change; an unreadable one must not pin a sleep
            }
        }).orElse(IdleState.AWAKE);
    }

    /** Traffic seen at {@code now} (epoch ms). */
    public void active(AppId app, long now) {
        change(app, s -> s.active(now));
    }

    /** Wakes the app; true when it was asleep (this call woke it). */
    public boolean wake(AppId app, long now) {
        boolean[] was = {false};
        change(app, s -> {
            was[0] = s.sleeping();
            return s.woken(now);
        });
        return was[0];
    }

    /**
     * Puts the app to sleep when, on the document as it is now, it is awake and its last use is older than
     * {@code idleMillis}; {@code lastOwnerChange} (the spec's updated time) counts as use too. True when it did.
     */
    public boolean sleepIfIdle(AppId app, long now, long idleMillis, long lastOwnerChange) {
        boolean[] slept = {false};
        change(app, s -> {
            slept[0] = !s.sleeping() && now - Math.max(s.activeAt(), lastOwnerChange) >= idleMillis;
            return slept[0] ? s.asleep(now) : s;
        });
        return slept[0];
    }

    private void change(AppId app, UnaryOperator<IdleState> f) {
        documents.update(app, IdleState.DOCUMENT, now -> Optional.of(f.apply(parse(now)).toJson()));
    }
}
