package dev.skep.supervise;

import dev.skep.model.AppId;
import dev.skep.model.InstanceIds;
import dev.skep.model.fs.RecursiveDelete;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stays on this host of app output once instances are gone. An instance's log outlives it, so `skep logs` shows
 * what a crashed or replaced instance said; but every deploy, restart and crash makes a new instance, each with up to
 * its rotation's worth of files, and nothing removed them: of an app's gone instances the newest {@link #GONE_KEPT}
 * keep their logs, a deleted app's logs go (a new app of the same name must not show them), and so do the raw
 * capture dirs ({@code run/{instance}}) of gone instances. Files touched in the last {@link #QUIET} are left alone:
 * an instance starting now may not be in the live set yet.
 */
final class LogRetention {

    private static final Logger log = LoggerFactory.getLogger(LogRetention.class);
    static final int GONE_KEPT = 5;
    static final Duration QUIET = Duration.ofMinutes(2);

    private final String agentId;
    private final AgentLayout layout;
    private final Clock clock;

    LogRetention(String agentId, AgentLayout layout, Clock clock) {
        this.agentId = agentId;
        this.layout = layout;
        this.clock = clock;
    }

    /**
     * One pass.
     *
     * @param live    the instances this agent runs now (or is starting)
     * @param deleted whether an app is gone from the cluster with nothing of it assigned here
     */
    void prune(Set<String> live, Predicate<AppId> deleted) {
        try {
            pruneAll(live, deleted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pruneAll(Set<String> live, Predicate<AppId> deleted) throws IOException {
        for (Path userDir : list(layout.logs())) {
            for (Path appDir : list(userDir)) {
                AppId app = appOf(userDir, appDir);
                if (app == null) {
                    continue;
                }
                boolean anyLive = live.stream().anyMatch(i -> InstanceIds.isValid(i) && InstanceIds.app(i).equals(app));
                if (!anyLive && deleted.test(app)) {
                    RecursiveDelete.delete(appDir);
                    log.info("event=logs.removed agent={} app={} why=\"the app was deleted\"", agentId, app);
                } else {
                    pruneGone(app, appDir, live);
                }
            }
        }
        for (Path run : list(layout.runs())) {
            String instance = run.getFileName().toString();
            if (InstanceIds.isValid(instance) && !live.contains(instance) && quiet(newest(filesIn(run)))) {
                RecursiveDelete.delete(run);
            }
        }
    }

    /** Deletes the log files of the app's gone instances but the newest {@link #GONE_KEPT}. */
    private void pruneGone(AppId app, Path appDir, Set<String> live) throws IOException {
        Map<String, List<Path>> byInstance = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(appDir, "*.log*")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String instance = name.substring(0, name.indexOf(".log"));
                if (InstanceIds.isValid(instance) && !live.contains(instance)) {
                    byInstance.computeIfAbsent(instance, i -> new ArrayList<>()).add(f);
                }
            }
        }
        if (byInstance.size() <= GONE_KEPT) {
            return;
        }
        Map<String, FileTime> lastWrite = new HashMap<>();
        for (var e : byInstance.entrySet()) {
            lastWrite.put(e.getKey(), newest(e.getValue()));
        }
        List<String> oldestFirst = new ArrayList<>(byInstance.keySet());
        oldestFirst.sort(Comparator.comparing(lastWrite::get));
        int removed = 0;
        for (String instance : oldestFirst.subList(0, oldestFirst.size() - GONE_KEPT)) {
            if (!quiet(lastWrite.get(instance))) {
                continue;
            }
            for (Path f : byInstance.get(instance)) {
                Files.deleteIfExists(f);
            }
            removed++;
        }
        if (removed > 0) {
            log.info("event=logs.pruned agent={} app={} instances={} kept={} why=\"logs of gone instances: the newest "
                    + "{} stay\"", agentId, app, removed, GONE_KEPT, GONE_KEPT);
        }
    }

    private boolean quiet(FileTime lastWrite) {
        return lastWrite.toInstant().isBefore(clock.instant().minus(QUIET));
    }

    private static FileTime newest(List<Path> files) throws IOException {
        FileTime newest = FileTime.fromMillis(0);
        for (Path f : files) {
            FileTime t = Files.getLastModifiedTime(f);
            if (t.compareTo(newest) > 0) {
                newest = t;
            }
        }
        return newest;
    }

    /** The dir and what it holds (its stdout and stderr): written last when the instance last said something. */
    private static List<Path> filesIn(Path dir) throws IOException {
        List<Path> all = new ArrayList<>(List.of(dir));
        try (var entries = Files.list(dir)) {
            entries.forEach(all::add);
        }
        return all;
    }

    private static AppId appOf(Path userDir, Path appDir) {
        try {
            return new AppId(userDir.getFileName().toString(), appDir.getFileName().toString());
        } catch (RuntimeException notAnApp) {
            return null;
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).toList();
        }
    }
}
