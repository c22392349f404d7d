package dev.skep.deploy.build;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs an app's production dependencies into its directory: reuses the previous release's
 * node_modules when nothing changed, else {@code npm ci} (lockfile) or {@code npm install}. npm
 * gets a minimal environment (never the server's own variables), no stdin, a shared cache and
 * a time limit after which its whole process tree is killed.
 */
public final class NpmBuilder {

    private static final Logger log = LoggerFactory.getLogger(NpmBuilder.class);
    private static final int TAIL_LINES = 40;
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private final Path npmCacheDir;
    private final Duration timeout;
    private final String searchPath;
    private final String npm;

    /** Finds npm (and node, for npm's own shebang) on the PATH this server started with. */
    public NpmBuilder(Path npmCacheDir, Duration timeout) {
        this(npmCacheDir, timeout, System.getenv().getOrDefault("PATH", DEFAULT_PATH));
    }

    /** @param searchPath the PATH npm runs with, where npm and node are found */
    public NpmBuilder(Path npmCacheDir, Duration timeout, String searchPath) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, found " + timeout);
        }
        this.npmCacheDir = npmCacheDir.toAbsolutePath();
        this.timeout = timeout;
        this.searchPath = searchPath;
        this.npm = find("npm", searchPath);
    }

    /**
     * @param previousAppRoot the app dir of the release before, whose node_modules may be reused
     * @param outputLine      receives npm's output line by line, as it comes
     */
    public BuildResult build(Path appRoot, Optional<Path> previousAppRoot, Consumer<String> outputLine) {
        return build(appRoot, previousAppRoot, outputLine, null);
    }

    /**
     * @param user run npm (and so the upload's install scripts) as this user, with a cache of its
     *             own; null runs it as skep's own user
     */
    public BuildResult build(Path appRoot, Optional<Path> previousAppRoot, Consumer<String> outputLine, BuildUser user) {
        long started = System.nanoTime();
        Optional<PackageJson> pkg = PackageJson.read(appRoot);
        if (pkg.isEmpty() || !pkg.get().hasDependencies()) {
            return new BuildResult(BuildResult.NONE, since(started), "no dependencies in package.json");
        }
        if (Files.exists(appRoot.resolve("node_modules"), LinkOption.NOFOLLOW_LINKS)) {
            return new BuildResult(BuildResult.NONE, since(started), "node_modules came with the upload");
        }
        try {
            if (previousAppRoot.isPresent()) {
                Optional<String> reused = NodeModulesReuse.tryReuse(previousAppRoot.get(), appRoot, pkg.get(), timeout);
                if (reused.isPresent()) {
                    outputLine.accept(reused.get());
                    return new BuildResult(BuildResult.REUSED, since(started), reused.get());
                }
            }
            String how = NodeModulesReuse.lockfile(appRoot).isPresent() ? BuildResult.NPM_CI : BuildResult.NPM_INSTALL;
            run(appRoot, how, outputLine, user);
            Duration took = since(started);
            log.info("event=build.npm how=\"{}\" dir={} took_ms={}", how, appRoot, took.toMillis());
            return new BuildResult(how, took, how + " --omit=dev");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkepException(Kind.FAILED, "build interrupted", "the server is stopping; deploy again", e);
        }
    }

    private void run(Path appRoot, String how, Consumer<String> outputLine, BuildUser user) throws InterruptedException {
        Path cache = user == null ? npmCacheDir : userCache(user);
        List<String> argv = new ArrayList<>(List.of(npm, how.substring("npm ".length())));
        argv.addAll(List.of("--omit=dev", "--no-audit", "--no-fund", "--cache", cache.toString()));
        ProcessBuilder builder = new ProcessBuilder(user == null ? argv : user.wrap(argv))
                .directory(appRoot.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(environment(cache));

        Process process;
        try {
            Files.createDirectories(cache.resolve("_home"));
            if (user != null) {
                user.own(cache.resolve("_home"));
            }
            process = builder.start();
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not start npm (" + e.getMessage() + ")",
                    "install Node.js and npm on the server, on the PATH it starts with", e);
        }
        OutputTail tail = new OutputTail(TAIL_LINES);
        Thread reader = Thread.ofVirtual().name("npm-output-" + process.pid())
                .start(() -> pump(process.getInputStream(), tail, outputLine));
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            ProcessTree.kill(process.toHandle());
            throw e;
        }
        if (!finished) {
            ProcessTree.kill(process.toHandle());
            drain(reader, process);
            throw new SkepException(Kind.TIMEOUT, how + " timed out after " + timeout.toSeconds() + "s", tail.text());
        }
        drain(reader, process);
        if (process.exitValue() != 0) {
            throw new SkepException(Kind.UNPROCESSABLE, how + " failed (exit " + process.exitValue() + ")", tail.text());
        }
    }

    /** Only what npm needs: where programs are, a home of its own, the shared cache. */
    private Map<String, String> environment(Path cache) {
        return Map.of(
                "PATH", searchPath,
                "HOME", cache.resolve("_home").toString(),
                "npm_config_cache", cache.toString(),
                "npm_config_update_notifier", "false");
    }

    /** {@code <cache>/uid-N}, 0700 and the user's own: tenants never share (or poison) a cache. */
    private Path userCache(BuildUser user) {
        Path dir = npmCacheDir.resolve("uid-" + user.uid());
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.setAttribute(dir, "unix:uid", user.uid());
            Files.setAttribute(dir, "unix:gid", user.gid());
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not prepare the npm cache " + dir + " (" + e.getMessage() + ")",
                    "check the server's data directory", e);
        }
        return dir;
    }

    private static void pump(InputStream output, OutputTail tail, Consumer<String> outputLine) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            String line;
            boolean listenerBroken = false;
            while ((line = lines.readLine()) != null) {
                tail.add(line);
                if (!listenerBroken) {
                    try {
                        outputLine.accept(line);
                    } catch (RuntimeException e) {
                        // Keep reading: a stalled pipe would hang npm. The build itself is fine.
                        listenerBroken = true;
                        log.warn("event=build.output-listener-failed error=\"{}\"", e.toString());
                    }
                }
            }
        } catch (IOException e) {
            // The stream was closed under us after npm ended (see drain): nothing more to read.
            log.debug("event=build.output-closed error=\"{}\"", e.toString());
        }
    }

    /** Waits for the last output; a leftover grandchild holding the pipe must not hang the build. */
    private static void drain(Thread reader, Process process) throws InterruptedException {
        if (!reader.join(OUTPUT_DRAIN)) {
            try {
                process.getInputStream().close();
            } catch (IOException e) {
                log.debug("event=build.output-close-failed error=\"{}\"", e.toString());
            }
            reader.join(OUTPUT_DRAIN);
        }
    }

    private static String find(String program, String searchPath) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toString();
            }
        }
        return program;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
