package dev.skep.server;

import dev.skep.api.DomainRules;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.route.DomainConflicts;
import dev.skep.route.HostNames;
import dev.skep.route.RouteTable;
import java.util.List;

/** The API's domain rules are the router's: one spelling, one conflict check. */
record RouterDomainRules(String baseDomain) implements DomainRules {

    @Override
    public String normalize(String domain) {
        return HostNames.requireDomain(domain);
    }

    @Override
    public String defaultHost(AppId app) {
        return RouteTable.defaultHost(app, baseDomain);
    }

    @Override
    public List<Refusal> check(AppSpec candidate, List<AppSpec> all) {
        return DomainConflicts.check(candidate, all, baseDomain).stream()
                .map(c -> new Refusal(c.host(), c.owner(), c.reason())).toList();
    }

    @Override
    public List<Refusal> checkCertificate(AppId app, List<String> names, List<AppSpec> all) {
        return DomainConflicts.certificateNames(app, names, all, baseDomain).stream()
                .map(c -> new Refusal(c.host(), c.owner(), c.reason())).toList();
    }
}
