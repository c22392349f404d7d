package dev.skep.api;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.SkepException;
import java.util.List;
import java.util.Optional;

/** How domains are spelled and who may claim one; the router's rules, handed in by the composition root. */
public interface DomainRules {

    /** A refused domain; {@code owner} is the app that has it, or null when the name itself is not allowed. */
    record Refusal(String domain, AppId owner, String reason) {
    }

    /** The domain as stored and routed ("shop.example.com", "*.example.com"); IllegalArgumentException if it is none. */
    String normalize(String domain);

    /** {@link #normalize} of a domain a request named: one that is none is the client's mistake, 400 with why. */
    default String normalizeRequested(String domain) {
        try {
            return normalize(domain);
        } catch (IllegalArgumentException e) {
            throw SkepException.badRequest(e.getMessage(), null);
        }
    }

    /** The host every app answers at without a custom domain. */
    String defaultHost(AppId app);

    /** Why {@code candidate}'s domains cannot be stored beside {@code all} apps; empty when they can. */
    List<Refusal> check(AppSpec candidate, List<AppSpec> all);

    /**
     * Why {@code user} may not claim {@code domain} before proving they hold it (a DNS record); empty when proven,
     * or when this install does not ask for proof.
     */
    Optional<String> unproven(String user, String domain);

    /** Which of a certificate's names reach another app's hosts; empty when {@code app} may hold it. */
    List<Refusal> checkCertificate(AppId app, List<String> names, List<AppSpec> all);
}
