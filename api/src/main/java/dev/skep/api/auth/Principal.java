package dev.skep.api.auth;

import dev.skep.model.AppId;
import dev.skep.model.SkepException;

/** Who is calling: a user, maybe an admin. */
public record Principal(String user, boolean admin, String tokenId) {

    /** A user manages only apps under its own name; an admin manages all. */
    public void requireOwner(AppId app) {
        if (!admin && !user.equals(app.user())) {
            throw new SkepException(SkepException.Kind.FORBIDDEN, "user " + user + " may not manage " + app,
                    "users manage only apps under their own name (" + user + "/...)");
        }
    }

    public void requireAdmin() {
        if (!admin) {
            throw new SkepException(SkepException.Kind.FORBIDDEN, "admin only", "ask an admin of this skep");
        }
    }
}
