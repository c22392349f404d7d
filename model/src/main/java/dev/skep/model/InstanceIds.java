package dev.skep.model;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Instance ids: "{user}.{app}.{release}.{6 hex}", unique across releases and restarts. */
public final class InstanceIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,40}\\.[a-z0-9-]{1,40}\\.[0-9]{1,9}\\.[0-9a-f]{6}");

    private InstanceIds() {
    }

    public static String next(AppId app, int release) {
        byte[] bytes = new byte[3];
        RANDOM.nextBytes(bytes);
        return prefix(app) + release + "." + HexFormat.of().formatHex(bytes);
    }

    /** The start every id of the app's instances shares: user and app names hold no dot. */
    public static String prefix(AppId app) {
        return app.user() + "." + app.name() + ".";
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
