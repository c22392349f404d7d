package dev.skep.deploy;

import dev.skep.deploy.build.BuildRequest;
import dev.skep.deploy.build.BuildResult;
import dev.skep.deploy.build.BuildUser;
import dev.skep.deploy.build.NodeBuilder;
import dev.skep.deploy.build.PrunedBins;
import dev.skep.deploy.build.ReleasePhase;
import dev.skep.deploy.build.StartCommand;
import dev.skep.deploy.intake.Intake;
import dev.skep.deploy.intake.Upload;
import dev.skep.deploy.intake.UploadLimits;
import dev.skep.deploy.slug.LocalSlugStore;
import dev.skep.deploy.slug.SlugIds;
import dev.skep.deploy.unpack.SafeUnpacker;
import dev.skep.deploy.unpack.Unpacked;
import dev.skep.model.AppId;
import dev.skep.model.Release;
import dev.skep.model.SkepException.Kind;
import dev.skep.model.SkepException;
import dev.skep.model.SlugStore;
import dev.skep.model.fs.RecursiveDelete;
import dev.skep.model.limits.UidProcesses;
import dev.skep.model.node.NodeChoice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an upload into a slug, in the order the data moves:
 *
 * <pre>
 *  body ─> intake (dataDir/tmp) ─> unpack (dataDir/slugs/.tmp-*) ─> app root
 *       ─> build (install, build script, prune; cache in dataDir/build-cache/{user}.{app})
 *       ─> start command, checked against the built tree ─> publish (one rename to dataDir/slugs/{slug})
 * </pre>
 *
 * The same upload to the same app is the same slug and is not built twice. On any failure the
 * upload and the work dir are deleted and nothing is published; the exception says why.
 */
public final class SlugBuilder {

    private static final Logger log = LoggerFactory.getLogger(SlugBuilder.class);

    private final Path tmpDir;
    private final LocalSlugStore store;
    private final UploadLimits limits;
    private final Path cacheDir;
    private final NodeBuilder npm;
    private final Function<AppId, BuildUser> buildUsers;
    private final ReleasePhase releasePhase;
    /** Where the release phase finds slugs: this builder's own, or fetched from the controller that built them. */
    private final SlugStore releaseSlugs;

    public SlugBuilder(Path dataDir, UploadLimits limits, NodeBuilder npm) {
        this(dataDir, limits, npm, app -> null);
    }

    /** @param buildUsers who each app's build runs as (null for an app: skep's own user) */
    public SlugBuilder(Path dataDir, UploadLimits limits, NodeBuilder npm, Function<AppId, BuildUser> buildUsers) {
        this(dataDir, new LocalSlugStore(dataDir.resolve("slugs")), null, limits, npm, buildUsers);
    }

    /**
     * @param store        where this builder publishes its slugs (one server's agent runs them from the same store)
     * @param releaseSlugs where the release phase finds a slug this controller did not build (a config change or
     *                     rollback may reach another controller than the one that built it); null: {@code store}
     * @param buildUsers   who each app's build runs as (null for an app: skep's own user)
     */
    public SlugBuilder(Path dataDir, LocalSlugStore store, SlugStore releaseSlugs, UploadLimits limits,
                       NodeBuilder npm, Function<AppId, BuildUser> buildUsers) {
        this.releasePhase = new ReleasePhase().confinedBy(npm.jail());
        this.buildUsers = buildUsers;
        this.tmpDir = dataDir.resolve("tmp");
        this.cacheDir = dataDir.resolve("build-cache");
        this.store = store;
        this.releaseSlugs = releaseSlugs == null ? store : releaseSlugs;
        this.limits = limits;
        this.npm = npm;
    }

    /** Where the slugs are; the same store this builder publishes to. */
    public LocalSlugStore store() {
        return store;
    }

    /**
     * Runs the release's release phase in a throwaway copy of its slug, as the app's build user, streaming its
     * output; throws when it fails or outlasts its limit. Nothing to do for a release without one. A copy because
     * slugs are immutable: agents seal them (root's, or read-only) before instances run, and one server's agent
     * and controller share the slug directory, so the release phase must neither write to nor re-own the slug.
     */
    public void runReleasePhase(Release release, Consumer<String> outputLine) throws InterruptedException {
        if (release.releasePhase().isEmpty()) {
            return;
        }
        Path slugDir;
        try {
            slugDir = releaseSlugs.checkout(release.slug());
        } catch (IOException e) {
            throw new SkepException(Kind.UNAVAILABLE, "could not get slug " + release.slug() + " for the release phase ("
                    + e.getMessage() + ")", "check that the controller that built it is up, or deploy again");
        }
        BuildUser user = buildUsers.apply(release.app());
        // the Node version the release's instances run, fetched here too if this controller lacks it
        // beside the builds' own scratch dirs, which the app's uid can reach
        releasePhase.runInCopy(release, slugDir, store.dir(), user, npm.nodeFor(release.node()),
                npm.npmBinFor(release.npm()), outputLine);
    }

    /**
     * Removes what a previous run left half-done when it died (a kill -9 mid-build): the builds' and release
     * phases' scratch dirs, half-published slugs ({@code slugs/.tmp-*}) and the build cgroups, whose processes
     * are killed. Call at start-up, before any build. Returns how many it removed.
     */
    public int cleanHalfFinished() {
        int removed = npm.jail().sweep().size();
        try (var list = Files.list(store.dir())) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (p.getFileName().toString().startsWith(".tmp-")) {
                    RecursiveDelete.delete(p);
                    removed++;
                    log.info("event=deploy.stale-removed dir={}", p);
                }
            }
        } catch (NoSuchFileException e) {
            return removed;
        } catch (IOException e) {
            log.warn("event=deploy.stale-cleanup-failed dir={} error=\"{}\"", store.dir(), e.toString());
        }
        return removed;
    }

    /**
     * Kills every process running under the app's build user (its uid): builds in flight, what they or the app
     * left in the background. Nothing when builds run as skep's own user. True when none is left.
     */
    public boolean killProcessesOf(AppId app) {
        BuildUser user = buildUsers.apply(app);
        if (user == null) {
            return true;
        }
        int found = UidProcesses.of(user.uid()).size();
        boolean gone = UidProcesses.killAll(user.uid(), Duration.ofSeconds(10));
        log.info("event=app.processes-killed app={} uid={} found={} all_gone={}", app, user.uid(), found, gone);
        return gone;
    }

    /** Deletes the app's build cache (when the app is deleted). */
    public void forget(AppId app) throws IOException {
        RecursiveDelete.delete(appCache(app));
    }

    /**
     * @param config the app's config vars, which its build sees
     */
    public BuiltSlug build(AppId app, InputStream upload, Map<String, String> config, DeployListener listener) {
        try (Upload received = Intake.receive(upload, tmpDir, limits)) {
            String slug = SlugIds.of(app, received.sha256());
            log.info("event=deploy.received app={} slug={} bytes={}", app, slug, received.bytes());
            listener.stage(DeployListener.RECEIVED, "received " + received.bytes() + " bytes, sha256 " + received.sha256());
            if (store.contains(slug)) {
                return alreadyBuilt(app, received, slug, listener);
            }
            return buildNew(app, received, slug, config, listener);
        }
    }

    private BuiltSlug alreadyBuilt(AppId app, Upload received, String slug, DeployListener listener) {
        Path appDir = store.checkout(slug);
        StartCommand.Processes command = StartCommand.processes(appDir);
        // the slug does not say which Node (and npm) built it: the same choice again (the host's, or the newest match)
        NodeChoice node = npm.chooseNode(appDir);
        BuildResult build = new BuildResult(BuildResult.NONE, Duration.ZERO, "slug already built from this upload",
                node.version().toString(), PrunedBins.NONE, npm.chooseNpm(appDir, node).orElse(null));
        log.info("event=deploy.built app={} slug={} how=existing", app, slug);
        listener.stage(DeployListener.BUILT, "slug " + slug + " already built from this upload; reusing it");
        return new BuiltSlug(slug, received.sha256(), received.bytes(), command, appDir, build);
    }

    private BuiltSlug buildNew(AppId app, Upload received, String slug, Map<String, String> config,
                               DeployListener listener) {
        Path work = createWorkDir();
        try {
            Unpacked unpacked = SafeUnpacker.unpack(received.file(), work, limits);
            listener.stage(DeployListener.UNPACKED,
                    "unpacked " + unpacked.entries() + " entries, " + unpacked.bytes() + " bytes");
            BuildUser user = buildUsers.apply(app);
            if (user != null) {
                user.own(work);
            }
            BuildRequest request = new BuildRequest(config, Optional.of(appCache(app)), Optional.ofNullable(user));
            BuildResult build = npm.build(unpacked.appRoot(), request,
                    line -> listener.stage(DeployListener.BUILD, line));
            // after the build: a start file the build writes (dist/server.js from tsc) is there now, and a tool the
            // prune took away is not
            StartCommand.Processes command = StartCommand.processes(unpacked.appRoot(), build.pruned());
            Path appDir = store.publish(unpacked.appRoot(), slug);
            log.info("event=deploy.built app={} slug={} node={} how=\"{}\" took_ms={} processes=\"{}\"",
                    app, slug, build.node(), build.how(), build.took().toMillis(), command.describe());
            listener.stage(DeployListener.BUILT, "slug " + slug + " built (" + build.detail() + "), runs "
                    + command.describe());
            return new BuiltSlug(slug, received.sha256(), received.bytes(), command, appDir, build);
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not publish slug " + slug + " (" + e.getMessage() + ")",
                    "check the server's disk space and logs", e);
        } catch (RuntimeException e) {
            log.info("event=deploy.failed app={} slug={} error=\"{}\"", app, slug, e.getMessage());
            throw e;
        } finally {
            deleteQuietly(work);
        }
    }

    private Path appCache(AppId app) {
        return cacheDir.resolve(app.user() + "." + app.name());
    }

    private Path createWorkDir() {
        try {
            Files.createDirectories(store.dir());
            return Files.createTempDirectory(store.dir(), ".tmp-");
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not create a build directory",
                    "check the server's data directory", e);
        }
    }

    private static void deleteQuietly(Path work) {
        try {
            RecursiveDelete.delete(work);
        } catch (IOException e) {
            // The build's own outcome is what matters; a leftover .tmp- dir is never taken for a slug.
            log.warn("event=deploy.cleanup-failed dir={} error=\"{}\"", work, e.toString());
        }
    }
}
