package dev.skep.model.node;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Picks the Node an app runs with: the host's when it satisfies what the app asks for (nothing to
 * download, nothing slower to start), else the newest release that does. A pure function of the
 * requirement, the host's version and the releases there are (asked for only when needed).
 */
public final class NodeResolver {

    /** How many major lines a "nothing satisfies" message names. */
    static final int MAJORS_NAMED = 8;

    private NodeResolver() {
    }

    /** @throws SkepException (unprocessable) when nothing satisfies the requirement, naming what there is */
    public static NodeChoice choose(NodeRequirement wanted, NodeVersion host, Supplier<List<NodeVersion>> available) {
        if (wanted.isNone()) {
            return new NodeChoice(host, true, "Node " + host + ", the host's (the app asks for " + wanted.source() + ")");
        }
        NodeRange range = wanted.range(available);
        if (range.test(host)) {
            return new NodeChoice(host, true, "Node " + host + ", the host's: it satisfies " + wanted);
        }
        List<NodeVersion> releases = available.get();
        return releases.stream().filter(range::test).max(Comparator.naturalOrder())
                .map(v -> new NodeChoice(v, false, "Node " + v + ": the newest release satisfying " + wanted))
                .orElseThrow(() -> new SkepException(Kind.UNPROCESSABLE, "no Node release satisfies " + wanted
                        + "; the newest per major: " + newestPerMajor(releases),
                        "ask for one of these, e.g. \"" + newestMajorLine(releases) + "\""));
    }

    /** "26.12.1, 25.9.0, 24.11.1, ...": the newest release of each of the newest major lines. */
    static String newestPerMajor(List<NodeVersion> releases) {
        Map<Integer, NodeVersion> newest = releases.stream().filter(v -> !v.isPrerelease())
                .collect(Collectors.toMap(NodeVersion::major, v -> v,
                        (a, b) -> a.compareTo(b) >= 0 ? a : b, () -> new TreeMap<>(Comparator.reverseOrder())));
        if (newest.isEmpty()) {
            return "none (the registry lists no Node release)";
        }
        return newest.values().stream().limit(MAJORS_NAMED).map(NodeVersion::toString)
                .collect(Collectors.joining(", "));
    }

    private static String newestMajorLine(List<NodeVersion> releases) {
        return releases.stream().filter(v -> !v.isPrerelease()).mapToInt(NodeVersion::major).max()
                .stream().mapToObj(m -> m + ".x").findFirst().orElse("22.x");
    }
}
