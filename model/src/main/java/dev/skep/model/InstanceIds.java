package dev.skep.model;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Instance ids: "{user}.{app}.{release}.{type}.{n}.{6 hex}", e.g. "alice.shop.3.worker.1.a1b2c3": unique across
 * releases and restarts (the hex), and naming the process the way Heroku names dynos ({@code worker.1}). Ids made
 * before process types, "{user}.{app}.{release}.{6 hex}", are still valid and are web instances.
 */
public final class InstanceIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile(
            "[a-z0-9-]{1,40}\\.[a-z0-9-]{1,40}\\.[0-9]{1,9}\\.(?:([a-z][a-z0-9_-]{0,29})\\.([0-9]{1,4})\\.)?[0-9a-f]{6}");

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
        return id != null && ID.matcher(id).matches();
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
        Matcher m = id == null ? null : ID.matcher(id);
        if (m == null || !m.matches()) {
            return null;
        }
        return m.group(1) == null ? ProcessTypes.WEB : m.group(1);
    }

    /** Heroku's dyno name, "worker.1"; an id made before process types reads "web". Null for an invalid id. */
    public static String process(String id) {
        Matcher m = id == null ? null : ID.matcher(id);
        if (m == null || !m.matches()) {
            return null;
        }
        return m.group(1) == null ? ProcessTypes.WEB : m.group(1) + "." + m.group(2);
    }

    /** The ordinal an id carries (1 for ids made before process types). */
    public static int ordinal(String id) {
        Matcher m = ID.matcher(id);
        return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 1;
    }
}
