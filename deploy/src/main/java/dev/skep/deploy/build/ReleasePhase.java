package dev.skep.deploy.build;

import dev.skep.model.Release;
import dev.skep.model.SkepException.Kind;
import dev.skep.model.SkepException;
import dev.skep.model.node.NodeInstalls;
import dev.skep.model.node.NpmConfig;
import dev.skep.model.node.PnpHook;
import dev.skep.model.fs.RecursiveDelete;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a release's Procfile {@code release:} command once, in its built slug, before any instance of it starts
 * (Heroku's release phase: migrations, cache warm-ups). It sees the release's config vars and what an instance
 * sees of skep (SKEP_APP, SKEP_RELEASE, NODE_ENV), runs as the app's uid like the build, and is killed with all
 * it started when it outlasts its limit. A non-zero exit or the limit fails the release, with its last lines.
 */
public final class ReleasePhase {

    private static final Logger LOG = LoggerFactory.getLogger(ReleasePhase.class);

    /** How long a release phase may run, as a build may. */
    public static final Duration DEFAULT_LIMIT = Duration.ofMinutes(10);
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);

    private final Duration limit;
    private final String searchPath;
    private final BuildJail jail;

    /** @param searchPath the PATH node is found on (the builds' own) */
    public ReleasePhase(Duration limit, String searchPath) {
        this(limit, searchPath, BuildJail.none());
    }

    private ReleasePhase(Duration limit, String searchPath, BuildJail jail) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("limit must be > 0, found " + limit);
        }
        this.limit = limit;
        this.searchPath = searchPath;
        this.jail = jail;
    }

    /** This release phase, run in a cgroup of its own from {@code jail} each time, as builds are. */
    public ReleasePhase confinedBy(BuildJail jail) {
        return new ReleasePhase(limit, searchPath, jail);
    }

    public ReleasePhase() {
        this(DEFAULT_LIMIT, System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    }

    /**
     * Runs it in a fresh copy of the slug under {@code scratch}, given to {@code user} (or made writable when
     * there is none), deleted afterwards: the slug itself is never written to or re-owned.
     */
    public void runInCopy(Release release, Path slugDir, Path scratch, BuildUser user, Path node, Path npmBin,
                          Consumer<String> outputLine) throws InterruptedException {
        Path work;
        try {
            Files.createDirectories(scratch);
            work = Files.createTempDirectory(scratch, ".tmp-release-");
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not make a directory for the release phase (" + e.getMessage()
                    + ")", "check the server's data directory (free space, permissions)", e);
        }
        try {
            Path appDir = work.resolve("app");
            try {
                TreeClone.copy(slugDir, appDir, limit, null);
                if (user != null) {
                    user.own(work);
                } else {
                    writable(appDir);
                }
            } catch (IOException e) {
                throw new SkepException(Kind.FAILED, "could not copy slug " + release.slug() + " for the release phase ("
                        + e.getMessage() + ")", "check the server's data directory (free space, permissions)", e);
            }
            run(release, appDir, user, node, npmBin, outputLine);
        } finally {
            try {
                RecursiveDelete.delete(work);
            } catch (IOException e) {
                LOG.warn(
                        "event=release-phase.not-removed app={} release={} dir={} error=\"{}\"", release.app(),
                        release.number(), work, e.getMessage());
            }
        }
    }

    /** A sealed (read-only) slug's copy, made the owner's to write, as the slug was before it was sealed. */
    private static void writable(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (!Files.isSymbolicLink(p)) {
                    var perms = Files.getPosixFilePermissions(p);
                    if (perms.add(PosixFilePermission.OWNER_WRITE)) {
                        Files.setPosixFilePermissions(p, perms);
                    }
                }
            }
        }
    }

    /** Runs it with the node found on the search path (see the next one). */
    public void run(Release release, Path appDir, BuildUser user, Consumer<String> outputLine)
            throws InterruptedException {
        run(release, appDir, user, null, outputLine);
    }

    /**
     * Runs it; returns normally on exit 0, throws UNPROCESSABLE (TIMEOUT past the limit) with its last lines.
     *
     * @param node the node binary of the release's Node version (its instances run that one), first on the PATH;
     *             null: the one on the search path
     */
    public void run(Release release, Path appDir, BuildUser user, Path node, Consumer<String> outputLine)
            throws InterruptedException {
        run(release, appDir, user, node, null, outputLine);
    }

    /** @param npmBin the bin dir of the release's npm, before node on the PATH; null: the one on the search path */
    public void run(Release release, Path appDir, BuildUser user, Path node, Path npmBin, Consumer<String> outputLine)
            throws InterruptedException {
        Map<String, String> env = environment(release, appDir, node, npmBin);
        List<String> argv = new ArrayList<>(release.releasePhase());
        argv.set(0, argv.get(0).equals("node") || argv.get(0).equals("nodejs") ? StepRunner.find("node", env.get("PATH"))
                : StepRunner.find(argv.get(0), env.get("PATH")));
        try (BuildJail.Cell cell = jail.open("release")) {
            runIn(cell, release, appDir, user, argv, env, outputLine);
        }
    }

    private void runIn(BuildJail.Cell cell, Release release, Path appDir, BuildUser user, List<String> argv,
                       Map<String, String> env, Consumer<String> outputLine) throws InterruptedException {
        ProcessBuilder builder = StepRunner.processIn(cell, user, argv, appDir, env);
        String what = "release phase '" + String.join(" ", release.releasePhase()) + "'";
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new SkepException(Kind.UNPROCESSABLE, "could not start the " + what + " (" + e.getMessage() + ")",
                    "check the Procfile's release: line names a program in the app or on the server's PATH", e);
        }
        OutputTail tail = new OutputTail(StepRunner.TAIL_LINES);
        Thread reader = Thread.ofVirtual().name("release-phase-" + process.pid()).start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    tail.add(line);
                    outputLine.accept(line);
                }
            } catch (IOException | RuntimeException e) {
                // closed after it ended (a grandchild kept the pipe), or the listener failed: its tail is kept
            }
        });
        boolean finished;
        try {
            finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            if (process.isAlive()) {
                ProcessTree.kill(process.toHandle());
            }
        }
        if (!reader.join(OUTPUT_DRAIN)) {
            try {
                process.getInputStream().close();
            } catch (IOException e) {
                // nothing more to read either way
            }
            reader.join(OUTPUT_DRAIN);
        }
        // what keeps serving is the deployer's to say (it knows which release runs)
        String fix = "release " + release.number() + " is marked failed; fix the Procfile's release: command (run it "
                + "locally with the app's config) or the config it reads, and deploy again";
        if (!finished) {
            throw new SkepException(Kind.TIMEOUT, "the " + what + " did not finish within " + limit.toSeconds()
                    + " s and was killed", fix + "\n" + tail.text());
        }
        if (process.exitValue() != 0) {
            throw new SkepException(Kind.UNPROCESSABLE, "the " + what + " failed (exit " + process.exitValue() + ")",
                    fix + "\n" + tail.text());
        }
    }

    /** The release's config vars and skep's per-release variables. */
    Map<String, String> environment(Release release, Path appDir, Path node, Path npmBin) {
        Map<String, String> env = new TreeMap<>(release.env());
        env.putIfAbsent("NODE_ENV", "production");
        NpmConfig.quietAtRuntime(env);
        env.put("SKEP_APP", release.app().toString());
        env.put("SKEP_RELEASE", Integer.toString(release.number()));
        env.put("SKEP_PROCESS", "release");
        env.put("PATH", appDir.resolve("node_modules/.bin") + File.pathSeparator
                + (node == null ? "" : NodeInstalls.pathPrefix(node, npmBin) + File.pathSeparator) + searchPath);
        env.put("HOME", appDir.toString());
        PnpHook.of(appDir).ifPresent(hook -> hook.applyTo(env, appDir)); // its own copy: the slug's files are here
        return env;
    }
}
