package dev.skep.route;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Pure checks the API runs before it stores domains, so two apps never claim one host. */
public final class DomainConflicts {

    /**
     * One refused host.
     *
     * @param owner the app that keeps the host, or null when the name is reserved or invalid
     */
    public record Conflict(String host, AppId owner, AppId claimant, String reason) {
    }

    private DomainConflicts() {
    }

    /**
     * Why {@code candidate}'s domains cannot be stored next to {@code others}: a host another app
     * already answers at, a custom domain under the base domain (reserved for default hosts), or an
     * invalid name. Empty when the candidate may be stored.
     */
    public static List<Conflict> check(AppSpec candidate, List<AppSpec> others, String baseDomain) {
        String base = HostNames.normalize(baseDomain);
        Map<String, AppId> taken = new HashMap<>();
        for (AppSpec other : others) {
            if (!other.id().equals(candidate.id())) {
                RouteTable.hostsOf(other, base).forEach(h -> taken.putIfAbsent(h, other.id()));
            }
        }
        List<Conflict> conflicts = new ArrayList<>();
        String own = RouteTable.defaultHost(candidate.id(), base);
        for (String domain : candidate.domains()) {
            String host;
            try {
                host = HostNames.requireDomain(domain);
            } catch (IllegalArgumentException e) {
                conflicts.add(new Conflict(domain, null, candidate.id(), e.getMessage()));
                continue;
            }
            String bare = HostNames.isWildcard(host) ? host.substring(2) : host;
            if (!host.equals(own) && (bare.equals(base) || bare.endsWith("." + base))) {
                conflicts.add(new Conflict(host, null, candidate.id(),
                        host + " is under " + base + ", which is reserved for default app hosts"));
            } else if (taken.containsKey(host)) {
                conflicts.add(new Conflict(host, taken.get(host), candidate.id(),
                        host + " is already served by " + taken.get(host)));
            }
        }
        return conflicts;
    }

    /** Every host claimed by more than one app, as {@link RouteTable#build} resolves it (first by name keeps it). */
    public static List<Conflict> all(List<AppSpec> apps, String baseDomain) {
        Map<String, AppId> owner = new HashMap<>();
        List<Conflict> conflicts = new ArrayList<>();
        for (AppSpec app : RouteTable.byName(apps)) {
            for (String host : RouteTable.hostsOf(app, baseDomain)) {
                AppId first = owner.putIfAbsent(host, app.id());
                if (first != null) {
                    conflicts.add(new Conflict(host, first, app.id(), host + " is already served by " + first));
                }
            }
        }
        return conflicts;
    }
}
