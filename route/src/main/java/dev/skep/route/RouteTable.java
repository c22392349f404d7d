package dev.skep.route;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.InstanceIds;
import dev.skep.model.InstanceStatus;
import dev.skep.model.ProcessTypes;
import dev.skep.model.RouteSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Host -> app route, immutable; the router swaps whole tables. Exact hosts win over wildcards
 * ("*.example.com" matches any name under example.com), and the longest wildcard wins among them.
 */
public final class RouteTable {

    private static final Logger log = LoggerFactory.getLogger(RouteTable.class);
    private static final Pattern BARE_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final RouteTable EMPTY = new RouteTable(new HostMap<>());

    /** Filled by the factories below, never changed after. */
    private final HostMap<AppRoute> routes;

    private RouteTable(HostMap<AppRoute> routes) {
        this.routes = routes;
    }

    public static RouteTable empty() {
        return EMPTY;
    }

    /**
     * A table from explicit hosts (exact, "*.suffix", or a bare name such as "localhost" or an IP);
     * for tests and tools.
     */
    public static RouteTable of(Map<String, AppRoute> routes) {
        HostMap<AppRoute> table = new HostMap<>();
        routes.forEach((host, route) -> {
            String h = HostNames.normalize(host);
            table.put(h.contains(".") ? HostNames.requireDomain(h) : requireBareName(host, h), route);
        });
        return new RouteTable(table);
    }

    /**
     * The table for the cluster as it is: every app answers at {@code {app}.{user}.{baseDomain}}
     * and at its own domains, served by its READY web instances of the app's release, the others standing by (see
     * {@link ServingSplit}); when none of that release is ready, by all READY ones. A host claimed by two apps goes to the first app by
     * name; {@link DomainConflicts} lets the API refuse such a claim before it is stored.
     */
    public static RouteTable build(List<AppSpec> apps, List<InstanceStatus> instances, String baseDomain) {
        return build(apps, instances, baseDomain, Map.of());
    }

    /** As {@link #build(List, List, String)}, with each app's route settings (absent: the defaults). */
    public static RouteTable build(List<AppSpec> apps, List<InstanceStatus> instances, String baseDomain,
                                   Map<AppId, RouteSettings> settings) {
        return build(apps, instances, baseDomain, settings, Set.of());
    }

    /** As {@link #build(List, List, String, Map)}, knowing which apps sleep (see {@link dev.skep.model.IdleState}). */
    public static RouteTable build(List<AppSpec> apps, List<InstanceStatus> instances, String baseDomain,
                                   Map<AppId, RouteSettings> settings, Set<AppId> sleeping) {
        Map<AppId, List<InstanceStatus>> ready = new HashMap<>();
        instances.stream()
                .filter(InstanceStatus::ready)
                .filter(i -> ProcessTypes.isWeb(InstanceIds.type(i.instance()))) // workers have no route
                .sorted(Comparator.comparing(InstanceStatus::instance))
                .forEach(i -> ready.computeIfAbsent(i.app(), a -> new ArrayList<>()).add(i));
        HostMap<AppRoute> table = new HostMap<>();
        Map<String, AppId> owner = new HashMap<>();
        for (AppSpec app : byName(apps)) {
            RouteSettings s = settings.getOrDefault(app.id(), RouteSettings.DEFAULTS);
            ServingSplit split = ServingSplit.of(app.release(), ready.getOrDefault(app.id(), List.of()));
            AppRoute route = new AppRoute(app.id(), split.serving(), split.standby(), s.maxBodyBytes(), s.httpsOnly(),
                    app.running(), s.sticky() ? StickyKeys.of(split.serving()) : null, s.idleStop(),
                    sleeping.contains(app.id()), app.release() > 0);
            for (String host : hostsOf(app, baseDomain)) {
                AppId first = owner.putIfAbsent(host, app.id());
                if (first != null) {
                    log.warn("event=route.domain-conflict domain={} app={} claimant={} kept_by={} fix=\"remove the domain from {}\"",
                            host, first, app.id(), first, app.id());
                    continue;
                }
                table.put(host, route);
            }
        }
        return new RouteTable(table);
    }

    private static String requireBareName(String given, String host) {
        if (!BARE_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("host must be a DNS name, found '" + given + "'");
        }
        return host;
    }

    /** The hosts an app answers at: its default host first, then its valid domains. */
    public static Set<String> hostsOf(AppSpec app, String baseDomain) {
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add(defaultHost(app.id(), baseDomain));
        for (String domain : app.domains()) {
            try {
                hosts.add(HostNames.requireDomain(domain));
            } catch (IllegalArgumentException e) {
                log.warn("event=route.domain-ignored app={} error=\"{}\"", app.id(), e.getMessage());
            }
        }
        return hosts;
    }

    public static String defaultHost(AppId app, String baseDomain) {
        return app.name() + "." + app.user() + "." + HostNames.normalize(baseDomain);
    }

    static List<AppSpec> byName(Collection<AppSpec> apps) {
        return apps.stream().sorted(Comparator.comparing((AppSpec a) -> a.id().user())
                .thenComparing(a -> a.id().name())).toList();
    }

    /** The route for a Host header value (any case, with or without port), or null. */
    public AppRoute lookup(String hostHeader) {
        return routes.get(HostNames.normalize(hostHeader));
    }

    /** Every backend in the table, for pool and health bookkeeping. */
    public Set<Backend> backends() {
        Set<Backend> all = new LinkedHashSet<>();
        for (AppRoute r : routes.values()) {
            all.addAll(r.backends());
            all.addAll(r.standby());
        }
        return all;
    }

    /** Each app's route once (an app answers at several hosts). */
    public Collection<AppRoute> routes() {
        Map<AppId, AppRoute> byApp = new HashMap<>();
        routes.values().forEach(r -> byApp.putIfAbsent(r.app(), r));
        return byApp.values();
    }

    /** Hosts in the table, wildcards as "*.suffix"; sorted, for diagnostics. */
    public List<String> hosts() {
        return routes.hosts();
    }

    @Override
    public String toString() {
        return "RouteTable" + hosts();
    }
}
