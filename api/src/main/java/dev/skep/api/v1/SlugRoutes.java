package dev.skep.api.v1;

import dev.skep.api.Routes;
import dev.skep.api.auth.Tokens;
import dev.skep.deploy.slug.LocalSlugStore;
import dev.skep.deploy.slug.SlugArchive;
import dev.skep.deploy.slug.SlugIds;
import dev.skep.model.SkepException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.function.Supplier;

/**
 * GET /v1/slugs/{slug}: a built slug as a .tar.gz, for agents on other hosts. Agents are not users:
 * they show the cluster token ({@code Authorization: Bearer TOKEN}), which only members of the
 * cluster can read from the state.
 */
public record SlugRoutes(LocalSlugStore slugs, Supplier<String> clusterToken) implements Routes {

    public static final String PREFIX = "/v1/slugs/";

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PREFIX + "{slug}", this::slug);
    }

    private void slug(Context ctx) throws Exception {
        String authorization = ctx.header("Authorization");
        String expected = "Bearer " + clusterToken.get();
        if (!Tokens.sameSecret(authorization, expected)) {
            throw new SkepException(SkepException.Kind.UNAUTHORIZED, "slugs are for agents of this cluster",
                    "agents send the cluster token they read from the state");
        }
        String slug = ctx.pathParam("slug");
        if (!SlugIds.isValid(slug) || !slugs.contains(slug)) {
            throw SkepException.notFound("slug " + (SlugIds.isValid(slug) ? slug : "(invalid id)") + " not found");
        }
        ctx.contentType("application/gzip");
        SlugArchive.write(slugs.checkout(slug), ctx.outputStream());
    }
}
