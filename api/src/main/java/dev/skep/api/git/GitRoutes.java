package dev.skep.api.git;

import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.api.auth.GitAuth;
import dev.skep.api.auth.Principal;
import dev.skep.deploy.Deployer;
import dev.skep.deploy.intake.UploadLimits;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.errors.UnpackException;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code git push http(s)://SERVER/git/USER/APP.git BRANCH}: git's smart HTTP protocol, receive side only, on the
 * API's port. JGit's {@link ReceivePack} speaks the protocol; these handlers only carry its two requests (the
 * refs advertisement, then the pack and commands) and authorise them as a deploy. The token is the password
 * (any user name: see {@link dev.skep.api.auth.GitAuth}).
 */
public record GitRoutes(Deployer deployer, GitRepos repos, UploadLimits limits, Path tmp, Predicate<AppId> exists,
                    Function<AppId, String> url) implements Routes {

    private static final Logger log = LoggerFactory.getLogger(GitRoutes.class);

    private static final String PREFIX = GitAuth.PREFIX;
    private static final String RECEIVE = "git-receive-pack";

    /**
     * @param tmp    where pushed trees are checked out and packed ({@code <data-dir>/tmp})
     * @param exists whether the app is in the state (a refused first push leaves no repository behind)
     * @param url    the app's URL, said once it is released
     */

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PREFIX + "{user}/{repo}/info/refs", this::advertise);
        routes.post(PREFIX + "{user}/{repo}/" + RECEIVE, this::receive);
        routes.post(PREFIX + "{user}/{repo}/git-upload-pack", ctx -> pushOnly(ctx));
    }

    /** "alice", "shop.git" (or "shop"), checked. */
    private static AppId app(Context ctx) {
        String repo = ctx.pathParam("repo");
        return new AppId(ctx.pathParam("user"), repo.endsWith(".git") ? repo.substring(0, repo.length() - 4) : repo);
    }

    /**
     * The refs advertisement. A refusal (someone else's app, a bad name) goes out as git's ERR line, which git
     * prints as "remote error: ..." rather than a bare HTTP status.
     */
    private void advertise(Context ctx) throws IOException {
        if (!RECEIVE.equals(ctx.queryParam("service"))) {
            pushOnly(ctx);
            return;
        }
        ctx.status(200).contentType("application/x-" + RECEIVE + "-advertisement");
        ctx.header("Cache-Control", "no-cache");
        OutputStream out = ctx.res().getOutputStream();
        PacketLineOut lines = new PacketLineOut(out);
        lines.writeString("# service=" + RECEIVE + "\n");
        lines.end();
        AppId app;
        try {
            app = app(ctx);
            Caller.principal(ctx).requireOwner(app);
        } catch (SkepException e) {
            lines.writeString("ERR " + e.getMessage() + (e.detail() == null ? "" : ": " + e.detail()) + "\n");
            lines.flush();
            return;
        }
        // before the first push there is no repository yet: an empty one answers, and nothing is made on disk
        Optional<Repository> existing = repos.existing(app);
        try (Repository repo = existing.isPresent() ? existing.get()
                : new InMemoryRepository(new DfsRepositoryDescription(app.toString()))) {
            receivePack(repo, Caller.principal(ctx)).sendAdvertisedRefs(
                    new RefAdvertiser.PacketLineOutRefAdvertiser(lines));
        }
        out.flush();
    }

    /** The push: the pack and the commands in, the deploy's progress and each ref's status out. */
    private void receive(Context ctx) throws IOException {
        AppId app = app(ctx);
        Principal who = Caller.principal(ctx);
        who.requireOwner(app); // git asked the advertisement first, which said why; this is for anyone else
        Audit.action(ctx, "deploy", app, Map.of("via", "git push"));
        ctx.status(200).contentType("application/x-" + RECEIVE + "-result");
        ctx.header("Cache-Control", "no-cache");
        InputStream in = ctx.req().getInputStream();
        if ("gzip".equalsIgnoreCase(ctx.header("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        InputStream body = in;
        OutputStream out = ctx.res().getOutputStream();
        PushDeploy deploy = new PushDeploy(app, who.user(), deployer::deploy, limits, tmp, url, out);
        // one push of an app at a time, and never beside its delete: the second waits, then finds the branch
        // moved if it was pushed over the same commit (see PushRules)
        deployer.exclusively(app, () -> {
            try (Repository repo = repos.open(app)) {
                ReceivePack rp = receivePack(repo, who);
                rp.setPreReceiveHook(deploy);
                rp.receive(body, out, null);
            } catch (UnpackException e) {
                // a bad or too large pack: ReceivePack has told git ("remote unpack failed: ..."), nothing deployed
                log.info("event=git.push-unpack-failed app={} by={} reason=\"{}\"", app, who.user(),
                        e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (!exists.test(app)) {
                    repos.delete(app); // a first push that deployed nothing: no app, so no repository either
                }
            }
            return null;
        });
        out.flush();
        PushDeploy.Deployed deployed = deploy.deployed();
        Audit.detail(ctx, "outcome", deployed == null ? "rejected"
                : deployed.probationCut() ? "released, probation cut short" : "released");
        if (deployed != null) {
            Audit.detail(ctx, "release", deployed.release());
            Audit.detail(ctx, "commit", deployed.commit());
        }
    }

    private ReceivePack receivePack(Repository repo, Principal who) {
        ReceivePack rp = new ReceivePack(repo);
        rp.setBiDirectionalPipe(false); // HTTP: read everything, then answer
        rp.setCheckReceivedObjects(true); // fsck: no "..", ".git" or "/" in names, no malformed objects
        rp.setAllowNonFastForwards(true); // a force push deploys the pushed tree like any other
        rp.setAllowDeletes(true); // PushRules refuses them with skep's reason rather than JGit's
        rp.setMaxPackSizeLimit(limits.maxCompressedBytes()); // the same cap as a tarball upload
        rp.setRefLogIdent(new PersonIdent(who.user(), who.user() + "@skep"));
        return rp;
    }

    private static void pushOnly(Context ctx) {
        ctx.status(403).contentType("text/plain").result("skep takes git pushes only (git push URL BRANCH deploys); "
                + "fetch and clone from where you keep the code\n");
    }
}
