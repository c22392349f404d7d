package dev.skep.model.node;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Node.js release version as semver orders it, e.g. 22.23.5 or 4.0.0-rc.1.
 *
 * @param prerelease the dot-separated identifiers after '-', empty for a release
 */
public record NodeVersion(int major, int minor, int patch, List<String> prerelease) implements Comparable<NodeVersion> {

    private static final Pattern FULL = Pattern.compile(
            "v?(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?"
                    + "(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");

    public NodeVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version numbers must be >= 0");
        }
        prerelease = List.copyOf(prerelease);
    }

    public static NodeVersion of(int major, int minor, int patch) {
        return new NodeVersion(major, minor, patch, List.of());
    }

    /** "22.23.5", "v22.23.5" or "4.0.0-rc.1"; empty for anything else. */
    public static Optional<NodeVersion> parse(String text) {
        Matcher m = FULL.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        return Optional.of(new NodeVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), pre));
    }

    public boolean isPrerelease() {
        return !prerelease.isEmpty();
    }

    /** Same major.minor.patch, whatever the prerelease. */
    boolean sameTuple(NodeVersion other) {
        return major == other.major && minor == other.minor && patch == other.patch;
    }

    @Override
    public int compareTo(NodeVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        // a release ranks above its prereleases
        if (prerelease.isEmpty() || o.prerelease.isEmpty()) {
            return Boolean.compare(prerelease.isEmpty(), o.prerelease.isEmpty());
        }
        for (int i = 0; i < Math.min(prerelease.size(), o.prerelease.size()); i++) {
            c = comparePart(prerelease.get(i), o.prerelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(prerelease.size(), o.prerelease.size());
    }

    /** Numeric identifiers compare as numbers and rank below alphanumeric ones (semver 11.4). */
    private static int comparePart(String a, String b) {
        boolean an = a.chars().allMatch(Character::isDigit);
        boolean bn = b.chars().allMatch(Character::isDigit);
        if (an && bn) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (an != bn) {
            return an ? -1 : 1;
        }
        return a.compareTo(b);
    }

    /** "22.23.5", as npm names the package version and skep names the cache dir. */
    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (prerelease.isEmpty() ? "" : "-" + String.join(".", prerelease));
    }
}
