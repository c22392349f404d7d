package dev.skep.model;

import java.util.regex.Pattern;

/**
 * A user's app, "alice/shop". The one security boundary for names: both parts are lower-case
 * DNS labels (letters, digits, inner hyphens, at most 40 chars), so they are safe in paths,
 * ZooKeeper nodes and host names. Nothing else may build a path from a user-supplied name.
 */
public record AppId(String user, String name) {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?");

    public AppId {
        user = requireName("user", user);
        name = requireName("app", name);
    }

    /** Parses "user/app". */
    public static AppId parse(String text) {
        if (text == null) {
            throw SkepException.badRequest("missing app", "name the app as USER/APP, e.g. alice/shop");
        }
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) {
            throw SkepException.badRequest("invalid app '" + printable(text) + "'",
                    "name the app as USER/APP, e.g. alice/shop");
        }
        return new AppId(text.substring(0, slash), text.substring(slash + 1));
    }

    /** Validates one name part; returns it unchanged. */
    public static String requireName(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw SkepException.badRequest("missing " + what + " name", NAME_RULE);
        }
        if (!LABEL.matcher(value).matches()) {
            throw SkepException.badRequest("invalid " + what + " name '" + printable(value) + "'", NAME_RULE);
        }
        return value;
    }

    public static boolean isValidName(String value) {
        return value != null && LABEL.matcher(value).matches();
    }

    public static final String NAME_RULE =
            "names are 1-40 characters: lower-case letters a-z, digits and inner hyphens";

    /** Cuts and escapes a hostile name so it can be echoed in a message. */
    private static String printable(String value) {
        String cut = value.length() > 60 ? value.substring(0, 60) + "..." : value;
        StringBuilder out = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u%04x", c));
            }
        });
        return out.toString();
    }

    @Override
    public String toString() {
        return user + "/" + name;
    }
}
