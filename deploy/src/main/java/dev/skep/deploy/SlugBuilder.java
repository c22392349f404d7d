package dev.skep.deploy;

import dev.skep.deploy.build.BuildResult;
import dev.skep.deploy.build.BuildUser;
import dev.skep.deploy.build.NpmBuilder;
import dev.skep.deploy.build.StartCommand;
import dev.skep.deploy.fs.RecursiveDelete;
import dev.skep.deploy.intake.Intake;
import dev.skep.deploy.intake.Upload;
import dev.skep.deploy.intake.UploadLimits;
import dev.skep.deploy.release.LocalSlugStore;
import dev.skep.deploy.release.SlugIds;
import dev.skep.deploy.unpack.SafeUnpacker;
import dev.skep.deploy.unpack.Unpacked;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an upload into a slug, in the order the data moves:
 *
 * <pre>
 *  body ─> intake (dataDir/tmp) ─> unpack (dataDir/slugs/.tmp-*) ─> app root ─> start command
 *       ─> npm ─> publish (one rename to dataDir/slugs/{slug})
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
    private final NpmBuilder npm;
    private final java.util.function.Function<AppId, BuildUser> buildUsers;

    public SlugBuilder(Path dataDir, UploadLimits limits, NpmBuilder npm) {
        this(dataDir, limits, npm, app -> null);
    }

    /** @param buildUsers who each app's build runs as (null for an app: skep's own user) */
    public SlugBuilder(Path dataDir, UploadLimits limits, NpmBuilder npm,
                       java.util.function.Function<AppId, BuildUser> buildUsers) {
        this.buildUsers = buildUsers;
        this.tmpDir = dataDir.resolve("tmp");
        this.store = new LocalSlugStore(dataDir.resolve("slugs"));
        this.limits = limits;
        this.npm = npm;
    }

    /** Where the slugs are; the same store this builder publishes to. */
    public LocalSlugStore store() {
        return store;
    }

    /**
     * @param previousSlug the app's current slug, whose node_modules may be reused
     */
    public BuiltSlug build(AppId app, InputStream upload, Optional<String> previousSlug, DeployListener listener) {
        try (Upload received = Intake.receive(upload, tmpDir, limits)) {
            String slug = SlugIds.of(app, received.sha256());
            log.info("event=deploy.received app={} slug={} bytes={}", app, slug, received.bytes());
            listener.stage(DeployListener.RECEIVED, "received " + received.bytes() + " bytes, sha256 " + received.sha256());
            if (store.contains(slug)) {
                return alreadyBuilt(app, received, slug, listener);
            }
            return buildNew(app, received, slug, previousSlug, listener);
        }
    }

    private BuiltSlug alreadyBuilt(AppId app, Upload received, String slug, DeployListener listener) {
        Path appDir = store.checkout(slug);
        List<String> command = StartCommand.detect(appDir);
        BuildResult build = new BuildResult(BuildResult.NONE, Duration.ZERO, "slug already built from this upload");
        log.info("event=deploy.built app={} slug={} how=existing", app, slug);
        listener.stage(DeployListener.BUILT, "slug " + slug + " already built from this upload; reusing it");
        return new BuiltSlug(slug, received.sha256(), received.bytes(), command, appDir, build);
    }

    private BuiltSlug buildNew(AppId app, Upload received, String slug, Optional<String> previousSlug,
                               DeployListener listener) {
        Path work = createWorkDir();
        try {
            Unpacked unpacked = SafeUnpacker.unpack(received.file(), work, limits);
            listener.stage(DeployListener.UNPACKED,
                    "unpacked " + unpacked.entries() + " entries, " + unpacked.bytes() + " bytes");
            List<String> command = StartCommand.detect(unpacked.appRoot());
            Optional<Path> previous = previousSlug.flatMap(this::previousAppDir);
            BuildUser user = buildUsers.apply(app);
            if (user != null) {
                user.own(work);
            }
            BuildResult build = npm.build(unpacked.appRoot(), previous,
                    line -> listener.stage(DeployListener.BUILD, line), user);
            if (user != null) {
                user.own(work); // node_modules reused from the release before were copied by skep
            }
            Path appDir = store.publish(unpacked.appRoot(), slug);
            log.info("event=deploy.built app={} slug={} how=\"{}\" took_ms={} command=\"{}\"",
                    app, slug, build.how(), build.took().toMillis(), String.join(" ", command));
            listener.stage(DeployListener.BUILT, "slug " + slug + " built (" + build.detail() + "), starts with: "
                    + String.join(" ", command));
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

    /** The previous release's files, if they are still here; without them npm simply runs. */
    private Optional<Path> previousAppDir(String slug) {
        try {
            return Optional.of(store.checkout(slug));
        } catch (SkepException e) {
            log.info("event=deploy.no-previous slug={} reason=\"{}\"", slug, e.getMessage());
            return Optional.empty();
        }
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
