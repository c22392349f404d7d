package dev.skep.route.proxy;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Least-outstanding-requests choice, pure. Ties go round-robin: the scan starts at {@code cursor}
 * and keeps the first of the least loaded. Healthy candidates are preferred; when every one left
 * is ejected the least loaded of those is tried anyway, since trying beats a certain error.
 */
public final class Balancer {

    private Balancer() {
    }

    /**
     * @param excluded hard exclusion (already tried for this request)
     * @param healthy  soft preference (not ejected)
     * @return the chosen candidate, or null when every candidate is excluded
     */
    public static <T> T pick(List<T> candidates, ToIntFunction<T> outstanding, Predicate<T> excluded,
                             Predicate<T> healthy, int cursor) {
        int n = candidates.size();
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(cursor, n);
        T best = null;
        int bestLoad = Integer.MAX_VALUE;
        T fallback = null;
        int fallbackLoad = Integer.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            T c = candidates.get((start + k) % n);
            if (excluded.test(c)) {
                continue;
            }
            int load = outstanding.applyAsInt(c);
            if (healthy.test(c)) {
                if (load < bestLoad) {
                    best = c;
                    bestLoad = load;
                }
            } else if (load < fallbackLoad) {
                fallback = c;
                fallbackLoad = load;
            }
        }
        return best != null ? best : fallback;
    }
}
