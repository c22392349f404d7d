package dev.skep.route;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
            Optional<String> suffix = PublicSuffixes.refusal(host);
            if (suffix.isPresent()) {
                conflicts.add(new Conflict(host, null, candidate.id(), suffix.get()));
            } else if (!host.equals(own) && (bare.equals(base) || bare.endsWith("." + base))) {
                conflicts.add(new Conflict(host, null, candidate.id(),
                        host + " is under " + base + ", which is reserved for default app hosts"));
            } else if (taken.containsKey(host)) {
                conflicts.add(new Conflict(host, taken.get(host), candidate.id(),
                        host + " is already served by " + taken.get(host)));
            }
        }
        return conflicts;
    }

    /**
     * The names of a certificate (its DNS SANs) that reach a host another app answers at: the same name, a
     * wildcard of the certificate's over another app's host, or another app's wildcard over one of its names
     * that {@code app} does not hold itself. A tenant may hold certificates for its own hosts only.
     */
    public static List<Conflict> certificateNames(AppId app, List<String> names, List<AppSpec> all, String baseDomain) {
        String base = HostNames.normalize(baseDomain);
        Set<String> own = new HashSet<>();
        Map<String, AppId> others = new HashMap<>();
        for (AppSpec spec : all) {
            if (spec.id().equals(app)) {
                own.addAll(RouteTable.hostsOf(spec, base));
            } else {
                RouteTable.hostsOf(spec, base).forEach(h -> others.putIfAbsent(h, spec.id()));
            }
        }
        List<Conflict> conflicts = new ArrayList<>();
        for (String raw : names) {
            String name = HostNames.normalize(raw);
            for (Map.Entry<String, AppId> other : others.entrySet()) {
                String host = other.getKey();
                boolean reaches = name.equals(host) || covers(name, host)
                        || (covers(host, name) && !own.contains(name));
                if (reaches) {
                    conflicts.add(new Conflict(host, other.getValue(), app, "the certificate names " + name
                            + ", which reaches " + host + " of " + other.getValue()));
                    break;
                }
            }
        }
        return conflicts;
    }

    /** Whether wildcard {@code pattern} ("*.example.com") covers {@code host} (any name under example.com). */
    private static boolean covers(String pattern, String host) {
        if (!HostNames.isWildcard(pattern)) {
            return false;
        }
        String bare = HostNames.isWildcard(host) ? host.substring(2) : host;
        return bare.endsWith(pattern.substring(1));
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
