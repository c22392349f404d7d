package dev.skep.api.v1;

import dev.skep.api.AppCommands;
import dev.skep.api.Bodies;
import dev.skep.api.Caller;
import dev.skep.api.DomainRules;
import dev.skep.api.Routes;
import dev.skep.api.auth.Principal;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.AppCatalog;
import dev.skep.model.SkepException;
import dev.skep.model.view.DomainsView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Custom domains of an app: GET|POST /v1/apps/{user}/{app}/domains, DELETE .../domains/{domain}. */
public record DomainRoutes(AppCatalog state, AppCommands commands, DomainRules rules, Bodies bodies,
                    Clock clock) implements Routes {

    /** POST body. */
    public record DomainRequest(String domain) {
    }

    static final int MAX_DOMAINS = 100;

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/apps/{user}/{app}/domains", ctx -> ctx.json(view(commands.require(Caller.ownedApp(ctx)))));
        routes.post("/v1/apps/{user}/{app}/domains", this::add);
        routes.delete("/v1/apps/{user}/{app}/domains/{domain}", this::remove);
    }

    private void add(Context ctx) {
        AppId app = commands.ownedApp(ctx);
        DomainRequest request = bodies.read(ctx, DomainRequest.class, null);
        String domain = normalize(request.domain());
        Principal who = Caller.principal(ctx);
        if (!who.admin()) { // admins vouch for what they add; DNS is asked outside the update, which may retry
            rules.unproven(app.user(), domain).ifPresent(why -> {
                throw new SkepException(SkepException.Kind.UNPROCESSABLE, "cannot add " + domain + " to " + app
                        + " yet", why);
            });
        }
        AppSpec after = state.updateApp(app, spec -> {
            if (spec.domains().contains(domain)) {
                return spec;
            }
            if (spec.domains().size() >= MAX_DOMAINS) {
                throw new SkepException(SkepException.Kind.CONFLICT, app + " has " + MAX_DOMAINS + " domains already",
                        "remove one first, or use a wildcard such as *.example.com");
            }
            List<String> domains = new ArrayList<>(spec.domains());
            domains.add(domain);
            AppSpec candidate = spec.withDomains(domains, clock.instant());
            List<DomainRules.Refusal> refused = rules.check(candidate, state.apps());
            if (!refused.isEmpty()) {
                DomainRules.Refusal first = refused.get(0);
                throw new SkepException(SkepException.Kind.CONFLICT, "cannot add " + first.domain() + " to " + app
                        + ": " + first.reason(), first.owner() == null ? "choose a domain of your own"
                        : "remove it from " + first.owner() + " first, or choose another");
            }
            return candidate;
        });
        ctx.status(201).json(view(after));
    }

    private void remove(Context ctx) {
        AppId app = commands.ownedApp(ctx);
        String domain = normalize(ctx.pathParam("domain"));
        AppSpec after = state.updateApp(app, spec -> {
            if (!spec.domains().contains(domain)) {
                throw SkepException.notFound(app + " has no domain " + domain);
            }
            List<String> domains = new ArrayList<>(spec.domains());
            domains.remove(domain);
            return spec.withDomains(domains, clock.instant());
        });
        ctx.json(view(after));
    }

    private String normalize(String domain) {
        if (domain == null || domain.isBlank()) {
            throw SkepException.badRequest("missing domain", "send {\"domain\": \"shop.example.com\"} (or *.example.com)");
        }
        return rules.normalizeRequested(domain);
    }

    private DomainsView view(AppSpec spec) {
        return new DomainsView(spec.id().toString(), rules.defaultHost(spec.id()), spec.domains());
    }
}
