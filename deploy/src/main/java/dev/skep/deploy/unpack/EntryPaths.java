package dev.skep.deploy.unpack;

import dev.skep.model.SkepException;
import java.nio.file.Path;

/**
 * The one place that turns a name from an archive into a path. A name is accepted only if it is
 * relative and has no ".." part, so it cannot leave the destination whatever it contains; "./"
 * prefixes and doubled slashes are tolerated because common tar tools write them.
 */
public final class EntryPaths {

    private EntryPaths() {
    }

    /**
     * The normalized relative path of {@code name}; the empty path for the archive root ("./").
     *
     * @param what how to name the offender in the error, e.g. "entry 'a/b'"
     */
    public static Path relative(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw unsafe(what, "has an empty name");
        }
        if (name.indexOf('\0') >= 0) {
            throw unsafe(what, "has a NUL byte in its name");
        }
        if (name.startsWith("/")) {
            throw unsafe(what, "is an absolute path");
        }
        StringBuilder clean = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw unsafe(what, "goes up with '..'");
            }
            if (!clean.isEmpty()) {
                clean.append('/');
            }
            clean.append(part);
        }
        return Path.of(clean.toString());
    }

    /** {@code root} joined with the checked name; always inside {@code root}. */
    public static Path resolve(Path root, String name, String what) {
        Path path = root.resolve(relative(name, what)).normalize();
        if (!path.startsWith(root)) {
            // Unreachable after the checks above; kept so a future edit cannot silently open a hole.
            throw unsafe(what, "leaves the upload");
        }
        return path;
    }

    /** Cuts and escapes a hostile name so it can be echoed in a message or log. */
    public static String shown(String name) {
        if (name == null) {
            return "";
        }
        String cut = name.length() > 120 ? name.substring(0, 120) + "..." : name;
        StringBuilder out = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (c >= 0x20 && c != 0x7f) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u%04x", c));
            }
        });
        return out.toString();
    }

    private static SkepException unsafe(String what, String why) {
        return SkepException.badRequest("unsafe archive: " + what + " " + why,
                "create the tarball from inside the app directory, e.g. tar -cz . ; paths must stay inside it");
    }
}
