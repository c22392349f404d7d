package dev.skep.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skep.model.AppId;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import dev.skep.model.fs.RecursiveDelete;
import dev.skep.model.fs.TreeSize;
import dev.skep.model.json.SkepJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each deploy's whole output (upload, install, build, release phase, rollout), kept on the building host for
 * {@code skep logs --build}: {@code build-logs/USER.APP/N.log} for release N with {@code N.json} (its build facts),
 * {@code failed-MILLIS.log} for a deploy that never made a release. A deploy writes {@code .building-*.log} and
 * renames it at the end, so a crash mid-deploy leaves no log posing as a release's.
 */
public final class BuildLogs {

    /** Build output above this is dropped (the deploy's own stages are still kept), with a note of how much. */
    static final long CAP_BYTES = 4L << 20;
    /** Logs of deploys that made no release, kept per app: the newest. */
    static final int FAILED_KEPT = 5;
    private static final Pattern RELEASE_LOG = Pattern.compile("(\\d+)\\.log");
    private static final ObjectMapper MAPPER = SkepJson.MAPPER;
    private static final Logger log = LoggerFactory.getLogger(BuildLogs.class);

    /**
     * What a release's build was, for {@code skep releases}.
     *
     * @param started     ISO-8601 time the deploy began
     * @param buildMillis how long install and build took (0: the slug was reused)
     * @param uploadBytes the upload's size
     * @param slugBytes   the built slug's size on disk, or -1 while not yet measured
     */
    public record BuildFacts(String started, long buildMillis, long uploadBytes, long slugBytes) {
    }

    private final Path root;
    private final Clock clock;

    public BuildLogs(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    /** Starts recording one deploy of {@code app}; never fails the deploy (a log that cannot be written is skipped). */
    public Recording start(AppId app) {
        Path dir = dirOf(app);
        try {
            Files.createDirectories(dir);
            Path file = Files.createTempFile(dir, ".building-", ".log");
            return new Recording(app, dir, file, Files.newBufferedWriter(file, StandardCharsets.UTF_8), clock.instant());
        } catch (IOException e) {
            log.warn("event=build-log.unwritable app={} dir={} error=\"{}\"", app, dir, e.getMessage());
            return new Recording(app, dir, null, null, clock.instant());
        }
    }

    /** Release {@code number}'s deploy output, if this host built it and still keeps it. */
    public Optional<Path> of(AppId app, int number) {
        Path file = dirOf(app).resolve(number + ".log");
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** The newest deploy's output: a release's or that of a deploy that failed before it made one. */
    public Optional<Path> latest(AppId app) {
        return logs(app).stream().max(Comparator.comparing(BuildLogs::modified));
    }

    /** Build facts of the releases this host built, by number. */
    public Map<Integer, BuildFacts> facts(AppId app) {
        Map<Integer, BuildFacts> all = new TreeMap<>();
        for (Path p : logs(app)) {
            Matcher m = RELEASE_LOG.matcher(p.getFileName().toString());
            Path json = p.resolveSibling(p.getFileName().toString().replace(".log", ".json"));
            if (m.matches() && Files.isRegularFile(json)) {
                try {
                    all.put(Integer.parseInt(m.group(1)), MAPPER.readValue(json.toFile(), BuildFacts.class));
                } catch (IOException e) {
                    log.warn("event=build-log.facts-unreadable app={} file={} error=\"{}\"", app, json, e.getMessage());
                }
            }
        }
        return all;
    }

    /** Removes the logs of releases not in {@code kept} and all but the newest failed deploys' logs. */
    public void prune(AppId app, Set<Integer> kept) {
        List<Path> failed = new ArrayList<>();
        for (Path p : logs(app)) {
            Matcher m = RELEASE_LOG.matcher(p.getFileName().toString());
            if (m.matches() && !kept.contains(Integer.parseInt(m.group(1)))) {
                deleteQuietly(p);
                deleteQuietly(p.resolveSibling(m.group(1) + ".json"));
            } else if (!m.matches()) {
                failed.add(p);
            }
        }
        failed.sort(Comparator.comparing(BuildLogs::modified).reversed());
        failed.stream().skip(FAILED_KEPT).forEach(BuildLogs::deleteQuietly);
    }

    public void delete(AppId app) {
        try {
            RecursiveDelete.delete(dirOf(app));
        } catch (IOException e) {
            log.warn("event=build-log.delete-failed app={} error=\"{}\"", app, e.getMessage());
        }
    }

    private List<Path> logs(AppId app) {
        List<Path> out = new ArrayList<>();
        Path dir = dirOf(app);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.log")) {
            files.forEach(f -> {
                if (!f.getFileName().toString().startsWith(".")) {
                    out.add(f);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }

    private Path dirOf(AppId app) {
        return root.resolve(app.user() + "." + app.name());
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("event=build-log.delete-failed file={} error=\"{}\"", p, e.getMessage());
        }
    }

    /** One deploy being recorded: {@link #tee} its listener, then {@link #released} or {@link #close} it. */
    public final class Recording implements AutoCloseable {
        private final AppId app;
        private final Path dir;
        private final Instant started;
        private Path file;
        private BufferedWriter out;
        private long written;
        private long dropped;
        private int release;

        private Recording(AppId app, Path dir, Path file, BufferedWriter out, Instant started) {
            this.app = app;
            this.dir = dir;
            this.file = file;
            this.out = out;
            this.started = started;
        }

        /** A listener that writes every stage and line here, then passes it on. */
        public DeployListener tee(DeployListener next) {
            return new DeployListener() {
                @Override
                public void stage(String stage, String message) {
                    write(stage, message);
                    next.stage(stage, message);
                }

                @Override
                public void serving(Release r, List<InstanceStatus> ready,
                                    Duration probation) {
                    write(SERVING, ready.size() + " instance(s) serving, in probation for " + probation.toSeconds() + " s");
                    next.serving(r, ready, probation);
                }
            };
        }

        /** Writes one line the listener did not carry (the deploy's outcome). */
        public synchronized void write(String stage, String message) {
            if (out == null) {
                return;
            }
            String line = clock.instant() + " " + stage + " " + message + "\n";
            if (DeployListener.BUILD.equals(stage) && written + line.length() > CAP_BYTES) {
                dropped += line.length();
                return;
            }
            try {
                out.write(line);
                written += line.length();
                if (!DeployListener.BUILD.equals(stage)) {
                    out.flush(); // a follower of the file sees the deploy's stages as they happen
                }
            } catch (IOException e) {
                abandon(e);
            }
        }

        /** The deploy made release {@code number}: the log becomes that release's, with its build facts. */
        public synchronized void released(int number, long buildMillis, long uploadBytes, Path slugDir) {
            release = number;
            if (out == null) {
                return;
            }
            try {
                out.flush();
                Path target = dir.resolve(number + ".log");
                Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                file = target;
                writeFacts(number, new BuildFacts(started.toString(), buildMillis, uploadBytes, -1));
                // measuring a 400 MB slug takes a while: not on the deploy's path (no slug: nothing to measure)
                if (slugDir != null) {
                    Thread.ofVirtual().name("slug-size-" + app).start(() ->
                            writeFacts(number, new BuildFacts(started.toString(), buildMillis, uploadBytes, sizeOf(slugDir))));
                }
            } catch (IOException e) {
                abandon(e);
            }
        }

        private void writeFacts(int number, BuildFacts facts) {
            Path json = dir.resolve(number + ".json");
            try {
                Path tmp = Files.createTempFile(dir, ".facts-", ".json");
                MAPPER.writeValue(tmp.toFile(), facts);
                Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                log.warn("event=build-log.facts-unwritable app={} release={} error=\"{}\"", app, number, e.getMessage());
            }
        }

        /** Ends the log; a deploy that made no release keeps it as {@code failed-MILLIS.log}. */
        @Override
        public synchronized void close() {
            if (out == null) {
                return;
            }
            try {
                if (dropped > 0) {
                    out.write(clock.instant() + " note " + dropped + " bytes of build output dropped above the "
                            + (CAP_BYTES >> 20) + " MB a build log keeps\n");
                }
                out.close();
                out = null;
                if (release == 0) {
                    Files.move(file, dir.resolve("failed-" + started.toEpochMilli() + ".log"),
                            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                abandon(e);
            }
        }

        private void abandon(IOException e) {
            log.warn("event=build-log.unwritable app={} file={} error=\"{}\"", app, file, e.getMessage());
            try {
                if (out != null) {
                    out.close();
                }
            } catch (IOException ignored) {
                // already failing; the warning above says so
            }
            out = null;
        }
    }

    /** The slug's size, or -1 when it cannot be measured. */
    private static long sizeOf(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return -1;
        }
        try {
            return TreeSize.bytes(dir);
        } catch (IOException e) {
            return -1;
        }
    }
}
