package dev.skep.model;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks the path a volume is mounted at: relative to the app's root, a plain directory name or a
 * few of them ("data", "var/uploads"), never above the app, never one of the places the build owns.
 * Every refusal is a 422 that says what is wrong and what is accepted.
 */
public final class VolumePaths {

    /** Volumes one app may have. */
    public static final int MAX_PER_APP = 8;
    static final int MAX_LENGTH = 200;
    static final int MAX_DEPTH = 8;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String ACCEPTED = "give a directory relative to the app's root, e.g. data, .node-red "
            + "or var/uploads (letters, digits, . _ -; no .. or leading /)";

    private VolumePaths() {
    }

    /** The path in its one spelling (no leading "./", no trailing or doubled "/"); a 422 otherwise. */
    public static String validate(String path) {
        if (path == null || path.isBlank()) {
            throw refuse("a volume path is required");
        }
        if (path.length() > MAX_LENGTH) {
            throw refuse("the volume path is longer than " + MAX_LENGTH + " characters");
        }
        if (path.startsWith("/")) {
            throw refuse("the volume path '" + path + "' is absolute; it is relative to the app's root");
        }
        String trimmed = path.startsWith("./") ? path.substring(2) : path;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty() || trimmed.equals(".")) {
            throw refuse("the volume path '" + path + "' names the app's root; a volume is a directory inside it");
        }
        String[] segments = trimmed.split("/", -1);
        if (segments.length > MAX_DEPTH) {
            throw refuse("the volume path '" + path + "' is deeper than " + MAX_DEPTH + " directories");
        }
        for (String segment : segments) {
            if (segment.equals("..")) {
                throw refuse("the volume path '" + path + "' contains '..'; a volume stays inside the app");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                throw refuse("the volume path '" + path + "' has an empty or '.' part");
            }
            if (!SEGMENT.matcher(segment).matches()) {
                throw refuse("the volume path '" + path + "' has a part '" + segment + "' that is not a plain name");
            }
            if (segment.equals("node_modules")) {
                throw refuse("the volume path '" + path + "' is in node_modules, which every build replaces");
            }
        }
        return trimmed;
    }

    /**
     * What keeps a release's tree from taking a volume at {@code path}: a part of it that is a symbolic
     * link (a mount would follow it) or a file; empty when each part is a directory or absent.
     */
    public static Optional<String> siteProblem(Path slug, String path) {
        Path at = slug;
        for (String part : validate(path).split("/")) {
            at = at.resolve(part);
            if (Files.isSymbolicLink(at)) {
                return Optional.of("volume " + path + ": " + slug.relativize(at) + " is a symbolic link in "
                        + "the release; remove it from the upload or mount the volume elsewhere");
            }
            if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of("volume " + path + ": " + slug.relativize(at) + " is a file in the "
                        + "release; a volume is mounted on a directory");
            }
        }
        return Optional.empty();
    }

    /** Where a volume is stored, one directory per path: "var/uploads" is "var+uploads". */
    public static String storageName(String path) {
        return validate(path).replace('/', '+');
    }

    private static SkepException refuse(String message) {
        return new SkepException(SkepException.Kind.UNPROCESSABLE, message, ACCEPTED);
    }
}
