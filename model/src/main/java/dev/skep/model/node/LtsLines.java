package dev.skep.model.node;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.util.Comparator;
import java.util.List;

/**
 * Node's LTS major lines, newest first, told from the releases alone (the registry's packages carry
 * no LTS flag): an even major line enters LTS when the odd line after it ships, so an even major
 * with a newer major beside it is LTS, and the newest even major alone is still "Current".
 */
final class LtsLines {

    private LtsLines() {
    }

    static List<Integer> of(List<NodeVersion> available) {
        List<Integer> majors = available.stream().filter(v -> !v.isPrerelease()).map(NodeVersion::major).distinct()
                .sorted(Comparator.reverseOrder()).toList();
        if (majors.isEmpty()) {
            throw new SkepException(Kind.UNAVAILABLE, "the registry lists no Node release",
                    "check the server's npm configuration (npm config get registry)");
        }
        int newest = majors.get(0);
        // LTS lines started with 4; 0.x and io.js-era lines are not LTS
        List<Integer> lts = majors.stream().filter(m -> m >= 4 && m % 2 == 0 && m < newest).toList();
        if (lts.isEmpty()) {
            throw new SkepException(Kind.UNAVAILABLE, "the registry lists no LTS line of Node",
                    "name a major version instead, e.g. " + newest);
        }
        return lts;
    }
}
