package dev.skep.model.node;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The npm a build on a fetched Node release runs, as Heroku chooses it: the app's {@code engines.npm},
 * else the npm that Node release ships. The host's npm may not run on an older Node at all (npm 11 on
 * Node 16: {@code tracingChannel is not a function}), and the Node package skep fetches holds only
 * {@code bin/node}.
 *
 * @param version the npm release
 * @param reason  one line for the deploy output
 */
public record NpmChoice(NodeVersion version, String reason) {

    /** A Node line newer than {@link #bundledMajor} knows: its npm is the newest. */
    private static final int ANY_MAJOR = -1;

    /**
     * @param enginesNpm package.json {@code engines.npm}, if set
     * @param available  npm's releases
     */
    public static NpmChoice choose(Optional<String> enginesNpm, NodeVersion node, List<NodeVersion> available) {
        List<NodeVersion> releases = available.stream().filter(v -> !v.isPrerelease())
                .sorted(Comparator.reverseOrder()).toList();
        if (enginesNpm.isPresent()) {
            NodeRange range;
            try {
                range = NodeRange.parse(enginesNpm.get());
            } catch (IllegalArgumentException e) {
                throw new SkepException(Kind.UNPROCESSABLE, "package.json engines.npm \"" + enginesNpm.get()
                        + "\" is not a version range (" + e.getMessage() + ")", "name one such as \"8.x\" or \">=9 <11\"",
                        e);
            }
            return releases.stream().filter(range::test).findFirst()
                    .map(v -> new NpmChoice(v, "npm " + v + ": the newest release satisfying \"" + enginesNpm.get()
                            + "\" (package.json engines.npm)"))
                    .orElseThrow(() -> new SkepException(Kind.UNPROCESSABLE, "no npm release satisfies \""
                            + enginesNpm.get() + "\" (package.json engines.npm)",
                            "name an npm version that exists, e.g. \"" + bundledMajor(node) + ".x\""));
        }
        int major = bundledMajor(node);
        return releases.stream().filter(v -> major == ANY_MAJOR || v.major() == major).findFirst()
                .map(v -> new NpmChoice(v, "npm " + v + ": the npm " + (major == ANY_MAJOR ? "" : major + ".x ")
                        + "Node " + node + " ships"))
                .orElseThrow(() -> new SkepException(Kind.UNAVAILABLE, "the registry lists no npm "
                        + (major == ANY_MAJOR ? "release" : major + ".x") + " for Node " + node,
                        "name one in package.json engines.npm, or check the server's npm configuration"));
    }

    /**
     * The npm major a Node line ships in its later releases; the last of that major runs on all of the
     * line (where npm's next major needs a newer minor than the line started with, the minor decides).
     * Lines newer than this table know: the newest npm.
     */
    static int bundledMajor(NodeVersion node) {
        int minor = node.minor();
        return switch (node.major()) {
            case 15 -> 7;
            case 16, 17 -> 8;
            case 18 -> minor >= 17 ? 10 : 9; // npm 10 needs ^18.17.0
            case 19 -> 9;
            case 20 -> minor >= 5 ? 10 : 9; // and >=20.5.0
            case 21, 22, 23 -> 10;
            case 24, 25 -> 11;
            default -> node.major() < 15 ? 6 : ANY_MAJOR;
        };
    }
}
