package dev.skep.deploy.build;

import dev.skep.model.fs.RecursiveDelete;
import dev.skep.model.hash.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app's build cache, kept between its builds as Heroku keeps one: node_modules as the last
 * install left it (devDependencies included), under a key of the lockfile, package.json's
 * dependency fields, the package manager and the Node version; and framework caches such as
 * {@code .next/cache}, restored whatever the key. Restores are copies: the cache is never
 * consumed or shared with a build or a slug, so a failed build leaves it as it was.
 *
 * <p>The cache holds one tenant's files: its directory belongs to the app's build user and every
 * copy runs as that user, so nothing planted in a build tree (a link to elsewhere) reads more than
 * the app itself could. It only saves time: a failure here is logged and the build goes on.
 */
final class BuildCache {

    private static final Logger log = LoggerFactory.getLogger(BuildCache.class);

    static final String NODE_MODULES = "node_modules";
    /** Build caches of frameworks, relative to the app's root. */
    static final List<String> FRAMEWORK_CACHES = List.of(".next/cache");

    private final Path dir;
    private final BuildUser user;

    /**
     * @param dir  this app's cache directory, created (0700) on first save
     * @param user who the app's builds run as (null: skep's own user)
     */
    BuildCache(Path dir, BuildUser user) {
        this.dir = dir;
        this.user = user;
    }

    /**
     * The node_modules key of an app with a lockfile: what installed it (the Node and the npm too, as Heroku's
     * buildpack keys its cache: another npm may lay node_modules out otherwise, or not accept what an older one made).
     *
     * @param npm which npm ran the build ({@link dev.skep.model.node.NpmPackage#identity}, or a fetched release's)
     */
    static String key(PackageManager pm, byte[] lockfile, PackageJson pkg, String nodeVersion, String npm) {
        MessageDigest sha = Sha256.newDigest();
        sha.update(("pm=" + pm.tool() + " berry=" + pm.yarnBerry() + " packageManager="
                + pkg.packageManager().orElse("") + "\nnode=" + nodeVersion + "\nnpm=" + npm + "\n")
                .getBytes(StandardCharsets.UTF_8));
        sha.update(pkg.dependencyFields().getBytes(StandardCharsets.UTF_8));
        sha.update(lockfile);
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Copies the cached node_modules into the app if it was saved under {@code key}; true if it did. */
    boolean restoreNodeModules(Path appRoot, String key, Duration timeout) throws InterruptedException {
        Path cached = dir.resolve(NODE_MODULES);
        if (!key.equals(storedKey().orElse(null)) || !Files.isDirectory(cached, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        return restore(cached, appRoot.resolve(NODE_MODULES), timeout);
    }

    /** Keeps a copy of the app's node_modules under {@code key}, unless that is what the cache holds. */
    void saveNodeModules(Path appRoot, String key, Duration timeout) throws InterruptedException {
        if (key.equals(storedKey().orElse(null))) {
            return;
        }
        try {
            Files.deleteIfExists(keyFile());
            if (save(appRoot.resolve(NODE_MODULES), dir.resolve(NODE_MODULES), timeout)) {
                // CREATE_NEW: never written through a link the app's user may have put there
                Files.writeString(keyFile(), key, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
        } catch (IOException e) {
            log.warn("event=build.cache-save-failed dir={} error=\"{}\"", dir, e.toString());
        }
    }

    /** Copies the cached framework caches into the app where the upload has none of its own. */
    void restoreFrameworkCaches(Path appRoot, Duration timeout) throws InterruptedException {
        for (String name : FRAMEWORK_CACHES) {
            Path cached = dir.resolve(cacheName(name));
            Path target = appRoot.resolve(name);
            if (!Files.isDirectory(cached, LinkOption.NOFOLLOW_LINKS) || Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Path parent = target.getParent();
                if (!Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(parent);
                    if (user != null) {
                        user.own(parent);
                    }
                }
            } catch (IOException e) {
                log.warn("event=build.cache-restore-failed path={} error=\"{}\"", target, e.toString());
                continue;
            }
            restore(cached, target, timeout);
        }
    }

    /** Keeps a copy of each framework cache the build left. */
    void saveFrameworkCaches(Path appRoot, Duration timeout) throws InterruptedException {
        for (String name : FRAMEWORK_CACHES) {
            Path built = appRoot.resolve(name);
            if (Files.isDirectory(built, LinkOption.NOFOLLOW_LINKS)) {
                save(built, dir.resolve(cacheName(name)), timeout);
            }
        }
    }

    private boolean restore(Path cached, Path target, Duration timeout) throws InterruptedException {
        try {
            TreeClone.copy(cached, target, timeout, user);
            return true;
        } catch (IOException e) {
            log.warn("event=build.cache-restore-failed path={} error=\"{}\"", target, e.toString());
            return false;
        }
    }

    /** Copies beside the old entry, then swaps: a failed copy leaves no half cache. */
    private boolean save(Path source, Path entry, Duration timeout) throws InterruptedException {
        Path fresh = entry.resolveSibling(".tmp-" + entry.getFileName());
        try {
            createDir();
            RecursiveDelete.delete(fresh);
            TreeClone.copy(source, fresh, timeout, user);
            RecursiveDelete.delete(entry);
            Files.move(fresh, entry, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            log.warn("event=build.cache-save-failed path={} error=\"{}\"", entry, e.toString());
            return false;
        }
    }

    private Optional<String> storedKey() {
        try {
            Path file = keyFile();
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Path keyFile() {
        return dir.resolve("node_modules.key");
    }

    /** The app's build user's alone: no other app's build can read or change it. */
    private void createDir() throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            if (user != null) {
                Files.setAttribute(dir, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(dir, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static String cacheName(String relative) {
        return relative.replace('/', '-');
    }
}
