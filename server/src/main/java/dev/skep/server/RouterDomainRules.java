package dev.skep.server;

import dev.skep.api.DomainRules;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.SkepException;
import dev.skep.route.DomainConflicts;
import dev.skep.route.DomainProof;
import dev.skep.route.HostNames;
import dev.skep.route.RouteTable;
import java.util.List;
import java.util.Optional;

/**
 * The API's domain rules are the router's: one spelling, one conflict check.
 *
 * @param proof asks DNS whether a user holds a domain; null when the install does not ask (--verify-domains off)
 */
record RouterDomainRules(String baseDomain, DomainProof proof) implements DomainRules {

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
    public Optional<String> unproven(String user, String domain) {
        if (proof == null) {
            return Optional.empty();
        }
        try {
            return proof.refusal(user, domain);
        } catch (IllegalStateException dnsDown) {
            throw new SkepException(SkepException.Kind.UNAVAILABLE, "cannot check who holds " + domain + " now: "
                    + dnsDown.getMessage(), "try again in a minute; if it lasts, an admin should check --dns");
        }
    }

    @Override
    public List<Refusal> checkCertificate(AppId app, List<String> names, List<AppSpec> all) {
        return DomainConflicts.certificateNames(app, names, all, baseDomain).stream()
                .map(c -> new Refusal(c.host(), c.owner(), c.reason())).toList();
    }
}
