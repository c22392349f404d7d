package dev.skep.deploy.slug;

import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import java.util.regex.Pattern;

/**
 * Slug ids, "{user}.{app}.{first 12 hex of the upload's sha256}": the same upload to the same
 * app is the same slug. Ids become directory names, so they are checked here, strictly.
 */
public final class SlugIds {

    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?";
    private static final Pattern ID = Pattern.compile(LABEL + "\\." + LABEL + "\\.[0-9a-f]{12}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private SlugIds() {
    }

    public static String of(AppId app, String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, found " + sha256);
        }
        return app.user() + "." + app.name() + "." + sha256.substring(0, 12);
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Returns {@code id} unchanged, or throws BAD_REQUEST. */
    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw SkepException.badRequest("invalid slug id", "a slug id is USER.APP.{12 hex digits}");
        }
        return id;
    }
}
