package dev.skep.deploy.slug;

import dev.skep.deploy.fs.TreeCopy;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import dev.skep.model.SlugStore;
import dev.skep.model.fs.RecursiveDelete;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Built apps on local disk, one directory per slug: {@code slugsDir/{slugId}/}. A slug appears
 * by one rename, so under its real id there is either nothing or the whole build. Names starting
 * with "." are work in progress (temp dirs of builds) and never slugs.
 */
public final class LocalSlugStore implements SlugStore {

    private static final Logger log = LoggerFactory.getLogger(LocalSlugStore.class);

    private final Path slugsDir;

    public LocalSlugStore(Path slugsDir) {
        this.slugsDir = slugsDir.toAbsolutePath();
    }

    public Path dir() {
        return slugsDir;
    }

    public boolean contains(String slug) {
        return Files.isDirectory(slugsDir.resolve(SlugIds.requireValid(slug)), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public Path checkout(String slug) {
        if (!contains(slug)) {
            throw SkepException.notFound("slug " + slug + " not found");
        }
        return slugsDir.resolve(slug);
    }

    /**
     * Moves {@code builtDir} into place as {@code slugId} and returns the slug's directory. A rename
     * when it is on the same filesystem (the builder's temp dirs are); otherwise copied next to the
     * slugs first, then renamed. If the slug appeared meanwhile (the same upload deployed twice at
     * once), the one already there is kept and {@code builtDir} is deleted.
     */
    public Path publish(Path builtDir, String slugId) throws IOException {
        Path target = slugsDir.resolve(SlugIds.requireValid(slugId));
        Files.createDirectories(slugsDir);
        try {
            moveInto(builtDir, target);
            log.info("event=slug.published slug={}", slugId);
        } catch (FileSystemException e) {
            if (!contains(slugId)) {
                throw e;
            }
            log.info("event=slug.exists slug={} note=\"kept the one already published\"", slugId);
            RecursiveDelete.delete(builtDir);
        }
        return target;
    }

    private void moveInto(Path builtDir, Path target) throws IOException {
        try {
            Files.move(builtDir, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        } catch (AtomicMoveNotSupportedException e) {
            log.debug("event=slug.copy-across-filesystems from={}", builtDir);
        }
        Path staging = Files.createTempDirectory(slugsDir, ".tmp-publish-");
        try {
            TreeCopy.copy(builtDir, staging.resolve("app"));
            Files.move(staging.resolve("app"), target, StandardCopyOption.ATOMIC_MOVE);
            RecursiveDelete.delete(builtDir);
        } finally {
            RecursiveDelete.delete(staging);
        }
    }

    /** Deletes every slug not in {@code keep}; returns the ids deleted. Work in progress is left alone. */
    public List<String> prune(Set<String> keep) throws IOException {
        return prune(id -> true, keep);
    }

    /**
     * Deletes the slugs of one app that {@code keep} does not name. Call it holding that app's
     * deploy lock: a slug just built for a deploy in flight is referenced by no release yet.
     */
    public List<String> prune(AppId app, Set<String> keep) throws IOException {
        String prefix = app.user() + "." + app.name() + ".";
        return prune(id -> id.startsWith(prefix) && id.indexOf('.', prefix.length()) < 0, keep);
    }

    private List<String> prune(Predicate<String> mine, Set<String> keep) throws IOException {
        List<String> deleted = new ArrayList<>();
        if (!Files.isDirectory(slugsDir)) {
            return deleted;
        }
        List<Path> all;
        try (Stream<Path> list = Files.list(slugsDir)) {
            all = list.toList();
        }
        for (Path dir : all) {
            String id = dir.getFileName().toString();
            if (SlugIds.isValid(id) && mine.test(id) && !keep.contains(id)) {
                RecursiveDelete.delete(dir);
                deleted.add(id);
                log.info("event=slug.pruned slug={}", id);
            }
        }
        return deleted;
    }
}
