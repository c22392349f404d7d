package dev.skep.api.git;

import dev.skep.model.AppId;
import dev.skep.model.fs.RecursiveDelete;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bare repositories pushes land in: {@code <data-dir>/git/USER/APP.git}, one per app, on the controller that
 * took the push. They are only a record of what was pushed last (so the next push sends only what changed); the
 * release is the slug, so losing one costs a full push, nothing more. Deleted with the app.
 */
public final class GitRepos {

    private static final Logger log = LoggerFactory.getLogger(GitRepos.class);

    private final Path root;

    /** @param root {@code <data-dir>/git} */
    public GitRepos(Path root) {
        this.root = root;
    }

    Path dir(AppId app) {
        return root.resolve(app.user()).resolve(app.name() + ".git");
    }

    /** The app's repository if a push made it. */
    Optional<Repository> existing(AppId app) throws IOException {
        Path dir = dir(app);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        return Optional.of(new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build());
    }

    /** The app's repository, made (bare) on its first push. Callers hold the app's lock (see GitRoutes). */
    Repository open(AppId app) throws IOException {
        Path dir = dir(app);
        Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            repo.create(true);
            log.info("event=git.repo-created app={} dir={}", app, dir);
        }
        return repo;
    }

    /**
     * What a previous run killed mid-push left (call at start-up, before any push): pushed trees being packed
     * ({@code tmp/push-*}) and git's lock files, which would refuse every later push to that branch.
     *
     * @return how many it removed
     */
    public int sweep(Path tmp) {
        int removed = 0;
        try {
            if (Files.isDirectory(tmp)) {
                try (var list = Files.list(tmp)) {
                    for (Path p : (Iterable<Path>) list.filter(p -> p.getFileName().toString().startsWith(
                            PushDeploy.WORK_PREFIX))::iterator) {
                        RecursiveDelete.delete(p);
                        removed++;
                    }
                }
            }
            if (Files.isDirectory(root)) {
                try (var walk = Files.walk(root)) {
                    for (Path lock : (Iterable<Path>) walk.filter(p -> p.getFileName().toString().endsWith(".lock")
                            && Files.isRegularFile(p))::iterator) {
                        Files.deleteIfExists(lock);
                        removed++;
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("event=git.sweep-failed dir={} error=\"{}\"", root, e.toString());
        }
        if (removed > 0) {
            log.info("event=git.stale-removed count={}", removed);
        }
        return removed;
    }

    /** Forgets the app's repository (the app is deleted, or never came to be). */
    public void delete(AppId app) {
        Path dir = dir(app);
        try {
            if (Files.exists(dir)) {
                RecursiveDelete.delete(dir);
                log.info("event=git.repo-deleted app={}", app);
            }
        } catch (IOException e) {
            log.warn("event=git.repo-delete-failed app={} dir={} error=\"{}\"", app, dir, e.getMessage());
        }
    }
}
