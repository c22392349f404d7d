package dev.skep.api.v1;

import dev.skep.api.ApiJson;
import dev.skep.api.AppCommands;
import dev.skep.api.Bodies;
import dev.skep.api.Caller;
import dev.skep.api.DomainRules;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.api.tls.CertificateCheck;
import dev.skep.model.AppCertificates;
import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.SkepException;
import dev.skep.model.view.CertificateView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's HTTPS certificates, chosen by the routers by SNI without a restart:
 * {@code GET /v1/apps/{user}/{app}/certificates}, {@code PUT|DELETE .../certificates/{domain}}.
 * A certificate is stored only for one of the app's own hosts, checked (see {@link CertificateCheck}); its key
 * goes into the state and is never answered.
 *
 * @param apps every app, to refuse a certificate that names another app's hosts
 */
public record CertificateRoutes(AppDocuments documents, AppCommands commands, DomainRules rules, Bodies bodies,
                    Clock clock, Supplier<List<AppSpec>> apps) implements Routes {

    /** PUT body: PEM certificate chain (leaf first) and unencrypted PKCS#8 PEM key. */
    public record CertificateUpload(String cert, String key) {
    }

    private static final Logger log = LoggerFactory.getLogger(CertificateRoutes.class);

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/apps/{user}/{app}/certificates", ctx -> {
            AppId app = commands.ownedApp(ctx);
            ctx.json(views(read(app)));
        });
        routes.put("/v1/apps/{user}/{app}/certificates/{domain}", this::put);
        routes.delete("/v1/apps/{user}/{app}/certificates/{domain}", this::delete);
    }

    private void put(Context ctx) {
        AppId app = Caller.ownedApp(ctx);
        AppSpec spec = commands.require(app);
        String domain = hostOf(spec, ctx.pathParam("domain"));
        Audit.action(ctx, "app.certificate.put", app, Map.of("domain", domain));
        CertificateUpload upload = bodies.read(ctx, CertificateUpload.class, null);
        CertificateCheck.Checked checked = CertificateCheck.check(domain, upload.cert(), upload.key(), clock.instant());
        List<DomainRules.Refusal> refused = rules.checkCertificate(app, checked.sans(), apps.get());
        if (!refused.isEmpty()) {
            throw new SkepException(SkepException.Kind.UNPROCESSABLE, "certificate refused for " + domain + ": "
                    + refused.get(0).reason(), "use a certificate that names only " + app + "'s own hosts");
        }
        AppCertificates.Entry entry = new AppCertificates.Entry(domain, upload.cert(), upload.key(),
                checked.subject(), checked.sans(), checked.notAfter(), clock.instant());
        AppCertificates next = update(app, now -> {
            if (!now.has(domain) && now.certificates().size() >= AppCertificates.MAX_PER_APP) {
                throw new SkepException(SkepException.Kind.CONFLICT, app + " has " + AppCertificates.MAX_PER_APP
                        + " certificates already", "remove one first, or use a wildcard certificate");
            }
            return now.with(entry);
        });
        log.info("event=certificate.added app={} domain={} subject=\"{}\" not_after={}", app, domain,
                checked.subject(), checked.notAfter());
        ctx.json(views(next));
    }

    private void delete(Context ctx) {
        AppId app = commands.ownedApp(ctx);
        String domain = rules.normalizeRequested(ctx.pathParam("domain"));
        Audit.action(ctx, "app.certificate.delete", app, Map.of("domain", domain));
        update(app, now -> {
            if (!now.has(domain)) {
                throw SkepException.notFound(app + " has no certificate for " + domain);
            }
            return now.without(domain);
        });
        log.info("event=certificate.removed app={} domain={}", app, domain);
        ctx.status(204);
    }

    /** The domain, normalized, if it is the app's default host or one of its custom domains. */
    private String hostOf(AppSpec spec, String given) {
        String domain = rules.normalizeRequested(given);
        if (!domain.equals(rules.defaultHost(spec.id())) && !spec.domains().contains(domain)) {
            throw new SkepException(SkepException.Kind.UNPROCESSABLE, domain + " is not a host of " + spec.id(),
                    "add it first: skep domains add " + spec.id() + " " + domain);
        }
        return domain;
    }

    private AppCertificates read(AppId app) {
        return parse(app, documents.get(app, AppCertificates.DOCUMENT));
    }

    private static AppCertificates parse(AppId app, Optional<String> document) {
        return ApiJson.readDocument(app, document, AppCertificates.class, "certificates").orElse(AppCertificates.NONE);
    }

    /** One atomic read-modify-write of the app's certificates (concurrent changes both land); returns the result. */
    private AppCertificates update(AppId app, UnaryOperator<AppCertificates> change) {
        return parse(app, documents.update(app, AppCertificates.DOCUMENT, now -> {
            AppCertificates next = change.apply(parse(app, now));
            if (next.certificates().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(ApiJson.writeDocument(next, "certificates"));
        }));
    }

    private static List<CertificateView> views(AppCertificates certificates) {
        return certificates.certificates().stream()
                .sorted(Comparator.comparing(AppCertificates.Entry::domain))
                .map(e -> new CertificateView(e.domain(), e.subject(), e.sans(), e.notAfter(), e.added()))
                .toList();
    }
}
