package dev.skep.model;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Instance ids: "{user}.{app}.{release}.{type}.{n}.{6 hex}", e.g. "alice.shop.3.worker.1.a1b2c3": unique across
 * releases and restarts (the hex), and naming the process the way Heroku names dynos ({@code worker.1}). Ids made
 * before process types, "{user}.{app}.{release}.{6 hex}", are still valid and are web instances.
 */
public final class InstanceIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    /*
     * The ids' language, read without a regex (the scheduler reads the process type and ordinal of every assignment
     * on every pass; the regex was a tenth of a pass): dot-separated, no part holding a dot,
     * [a-z0-9-]{1,40} . [a-z0-9-]{1,40} . [0-9]{1,9} . ( [a-z][a-z0-9_-]{0,29} . [0-9]{1,4} . )? [0-9a-f]{6}
     * InstanceIdsProperties holds it to that regex.
     */

    private InstanceIds() {
    }

    /** A web instance's id (ordinal 1); see {@link #next(AppId, int, String, int)}. */
    public static String next(AppId app, int release) {
        return next(app, release, ProcessTypes.WEB, 1);
    }

    /** @param ordinal the instance's number among its type's, from 1: "worker.2" */
    public static String next(AppId app, int release, String type, int ordinal) {
        if (!ProcessTypes.isValidName(type) || ordinal < 1 || ordinal > 9999) {
            throw new IllegalArgumentException("bad process " + type + "." + ordinal);
        }
        byte[] bytes = new byte[3];
        RANDOM.nextBytes(bytes);
        return prefix(app) + release + "." + type + "." + ordinal + "." + HexFormat.of().formatHex(bytes);
    }

    /** The start every id of the app's instances shares: user and app names hold no dot. */
    public static String prefix(AppId app) {
        return app.user() + "." + app.name() + ".";
    }

    public static boolean isValid(String id) {
        return parts(id) != null;
    }

    /**
     * The app an instance id belongs to: ids start "{user}.{app}.".
     *
     * @throws SkepException (bad request) for an invalid id, before anything builds a path from it
     */
    public static AppId app(String id) {
        if (!isValid(id)) {
            throw SkepException.badRequest("invalid instance id", "instance ids look like user.app.3.a1b2c3");
        }
        String[] parts = id.split("\\.");
        return new AppId(parts[0], parts[1]);
    }

    /** The process type an id names: "web" for ids made before process types; null for an invalid id. */
    public static String type(String id) {
        String[] parts = parts(id);
        if (parts == null) {
            return null;
        }
        return parts.length == 4 ? ProcessTypes.WEB : parts[3];
    }

    /** Heroku's dyno name, "worker.1"; an id made before process types reads "web". Null for an invalid id. */
    public static String process(String id) {
        String[] parts = parts(id);
        if (parts == null) {
            return null;
        }
        return parts.length == 4 ? ProcessTypes.WEB : parts[3] + "." + parts[4];
    }

    /** The ordinal an id carries (1 for ids made before process types). */
    public static int ordinal(String id) {
        String[] parts = parts(Objects.requireNonNull(id, "instance id"));
        return parts != null && parts.length == 6 ? Integer.parseInt(parts[4]) : 1;
    }

    /** The id's parts (4, or 6 with type and ordinal), or null when it is not a valid id. */
    private static String[] parts(String id) {
        if (id == null) {
            return null;
        }
        String[] parts = id.split("\\.", -1);
        if (parts.length != 4 && parts.length != 6) {
            return null;
        }
        int last = parts.length - 1;
        boolean valid = name(parts[0]) && name(parts[1]) && digits(parts[2], 9) && hex6(parts[last])
                && (parts.length == 4 || (typeName(parts[3]) && digits(parts[4], 4)));
        return valid ? parts : null;
    }

    /** [a-z0-9-]{1,40} */
    private static boolean name(String s) {
        if (s.isEmpty() || s.length() > 40) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(lower(c) || digit(c) || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** [a-z][a-z0-9_-]{0,29} */
    private static boolean typeName(String s) {
        if (s.isEmpty() || s.length() > 30 || !lower(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(lower(c) || digit(c) || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** [0-9]{1,max} */
    private static boolean digits(String s, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!digit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** [0-9a-f]{6} */
    private static boolean hex6(String s) {
        if (s.length() != 6) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            char c = s.charAt(i);
            if (!(digit(c) || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean lower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }
}
