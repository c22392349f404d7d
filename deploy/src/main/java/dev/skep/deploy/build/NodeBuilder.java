package dev.skep.deploy.build;

import dev.skep.model.SkepException.Kind;
import dev.skep.model.SkepException;
import dev.skep.model.fs.RecursiveDelete;
import dev.skep.model.node.NodeCache;
import dev.skep.model.node.NodeChoice;
import dev.skep.model.node.NodeDist;
import dev.skep.model.node.NodeInstalls;
import dev.skep.model.node.NodeRequirement;
import dev.skep.model.node.NodeVersion;
import dev.skep.model.node.NpmChoice;
import dev.skep.model.node.NpmPackage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a Node.js app in its directory as Heroku's Node.js buildpack does (see {@link BuildPlan}):
 * the package manager its lockfile names, an install with devDependencies, its build script, a
 * prune of devDependencies. node_modules comes from the app's build cache when the lockfile, the
 * package manager and Node are the same, which makes the install quick but never skips it or the
 * build. Commands get the app's config vars and nothing of the server's environment, no stdin, a
 * cache of the build user's own and one time limit for the whole build.
 */
public final class NodeBuilder {

    private static final Logger log = LoggerFactory.getLogger(NodeBuilder.class);
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    /** The config var that turns the build cache off for a build, as on Heroku. */
    static final String CACHE_SWITCH = "NODE_MODULES_CACHE";

    private final Path npmCacheDir;
    private final Duration timeout;
    private final String searchPath;
    private final CorepackShims corepack;
    private final StepRunner runner;
    private final NodeInstalls nodes;
    /** npm releases, beside the Node ones: a build on a fetched Node runs the npm that Node ships */
    private final NodeCache npms;
    private final BuildJail jail;

    /** Finds npm, node and corepack on the PATH this server started with. */
    public NodeBuilder(Path npmCacheDir, Duration timeout) {
        this(npmCacheDir, timeout, System.getenv().getOrDefault("PATH", DEFAULT_PATH));
    }

    /**
     * @param searchPath the PATH builds run with, where npm, node and corepack are found; Node
     *                   releases the host lacks are cached next to the npm cache ({@code ../node})
     */
    public NodeBuilder(Path npmCacheDir, Duration timeout, String searchPath) {
        this(npmCacheDir, timeout, searchPath, new NodeInstalls(Path.of(StepRunner.find("node", searchPath)),
                new NodeCache(npmCacheDir.toAbsolutePath().resolveSibling("node"), NodeDist.onPath(searchPath))));
    }

    /** @param nodes the host's node and the cached releases: builds run with the one the app asks for */
    public NodeBuilder(Path npmCacheDir, Duration timeout, String searchPath, NodeInstalls nodes) {
        this.nodes = nodes;
        this.npms = nodes.npms();
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, found " + timeout);
        }
        this.npmCacheDir = npmCacheDir.toAbsolutePath();
        this.timeout = timeout;
        this.corepack = new CorepackShims(this.npmCacheDir.resolve("corepack-bin"), searchPath);
        this.searchPath = corepack.dir() + File.pathSeparator + searchPath;
        this.runner = new StepRunner(timeout);
        this.jail = BuildJail.none();
    }

    private NodeBuilder(NodeBuilder base, BuildJail jail) {
        this.npmCacheDir = base.npmCacheDir;
        this.timeout = base.timeout;
        this.searchPath = base.searchPath;
        this.corepack = base.corepack;
        this.runner = base.runner;
        this.nodes = base.nodes;
        this.npms = base.npms;
        this.jail = jail;
    }

    /** This builder, with every build run in a cgroup of its own from {@code jail}. */
    public NodeBuilder confinedBy(BuildJail jail) {
        return new NodeBuilder(this, jail);
    }

    public BuildJail jail() {
        return jail;
    }

    /** @param outputLine receives every command's output line by line, as it comes */
    public BuildResult build(Path appRoot, BuildRequest request, Consumer<String> outputLine) {
        long started = System.nanoTime();
        Instant deadline = Instant.now().plus(timeout);
        Optional<PackageJson> pkg = PackageJson.read(appRoot);
        NodeRequirement wanted = NodeRequirement.of(appRoot, pkg.flatMap(PackageJson::enginesNode));
        NodeChoice node = chooseNode(appRoot, wanted);
        if (!wanted.isNone()) {
            outputLine.accept(node.reason());
        }
        // fetched now even when nothing is built: a download that fails fails the deploy, not the start
        Path nodeBinary = binary(node, outputLine);
        // on a fetched Node its npm (the host's may not run there), for the build and, recorded, the instances
        Optional<NodeVersion> npm = node.host() ? Optional.empty() : Optional.of(npm(node, pkg, outputLine));
        String npmVersion = npm.map(NodeVersion::toString).orElse(null);
        if (pkg.isEmpty()) {
            return new BuildResult(BuildResult.NONE, since(started), "no package.json", node.version().toString(),
                    PrunedBins.NONE, npmVersion);
        }
        boolean uploadedModules = Files.exists(appRoot.resolve(BuildCache.NODE_MODULES), LinkOption.NOFOLLOW_LINKS);
        PackageManager pm = PackageManager.detect(appRoot, pkg.get());
        BuildPlan plan = BuildPlan.of(pkg.get(), pm, request.config(), uploadedModules);
        if (plan.isEmpty()) {
            plan.notes().forEach(outputLine);
            return new BuildResult(BuildResult.NONE, since(started), "nothing to install or build",
                    node.version().toString(), PrunedBins.NONE, npmVersion);
        }

        BuildUser user = request.user().orElse(null);
        // Heroku's switch for a cache gone bad: this build neither restores nor saves one
        boolean cacheOff = "false".equalsIgnoreCase(request.config().getOrDefault(CACHE_SWITCH, "").strip());
        Optional<BuildCache> cache = cacheOff ? Optional.empty()
                : request.cacheDir().map(dir -> new BuildCache(dir, user));
        // a release's node first: npm, npx, corepack and the app's scripts all run with it (the
        // host's is where the PATH has it already), and before it the npm that release ships
        String path = npm.isEmpty() ? searchPath : NodeInstalls.pathPrefix(nodeBinary, npms.binary(npm.get()).getParent())
                + File.pathSeparator + searchPath;
        Path userCache = user == null ? sharedCache() : userCache(user);
        Path tmp = buildTmp(userCache, user);
        BuildEnvironment env = new BuildEnvironment(path, userCache,
                node.host() ? Optional.empty() : Optional.of(hostPrefix()), headersOf(nodeBinary), tmp,
                pm.plugAndPlay(appRoot, request.config()),
                plan.prepare().isPresent() ? corepack.hostSettings() : Map.of());
        List<String> done = new ArrayList<>();
        String how = BuildResult.NONE;
        CacheSave save = new CacheSave();
        PrunedBins pruned = PrunedBins.NONE;
        // one cgroup for all the steps: killed whole when the build ends, however it ends
        try (BuildJail.Cell cell = jail.open("app")) {
            Steps steps = new Steps(runner, appRoot, request, env, deadline, outputLine, user, pm, cell, save);
            plan.notes().forEach(outputLine);
            if (cacheOff && request.cacheDir().isPresent()) {
                outputLine.accept("build cache off: " + CACHE_SWITCH + "=false is set (nothing restored or saved)");
            }
            if (plan.prepare().isPresent()) {
                corepack.ensure(pm);
                steps.run(plan.prepare().get());
            }
            if (plan.prebuild().isPresent()) {
                steps.run(plan.prebuild().get());
                done.add(plan.prebuild().get().label());
            }
            if (plan.install().isPresent()) {
                String npmUsed = npm.map(v -> "npm " + v)
                        .orElseGet(() -> NpmPackage.identity(Path.of(StepRunner.find("npm", path))));
                how = install(appRoot, pkg.get(), plan, cache, steps, done, outputLine, node.version(), npmUsed);
            }
            cache.ifPresent(c -> restoreFrameworkCaches(c, appRoot, deadline));
            if (plan.build().isPresent()) {
                steps.run(plan.build().get());
                done.add(plan.build().get().label());
                if (cache.isPresent()) {
                    long saving = System.nanoTime();
                    cache.get().saveFrameworkCaches(appRoot, remaining(deadline));
                    log.info("event=build.cache.saved dir={} what=framework took_ms={}", appRoot, since(saving).toMillis());
                }
            }
            save.await(); // prune deletes what the copy may still be reading
            if (plan.prune().isPresent()) {
                Set<String> binsBefore = PrunedBins.listed(appRoot);
                int packagesBefore = InstalledPackages.count(appRoot);
                steps.run(plan.prune().get());
                done.add(plan.prune().get().label());
                pruned = PrunedBins.since(binsBefore, appRoot, PruneOptOut.settingFor(pm), path);
                int packagesAfter = InstalledPackages.count(appRoot);
                if (packagesBefore >= 0 && packagesAfter >= 0) { // npm's own line may say "up to date" all the same
                    outputLine.accept("prune: " + (packagesBefore - packagesAfter) + " of " + packagesBefore
                            + " top-level packages removed (devDependencies), " + packagesAfter + " left");
                }
            }
            if (plan.cleanup().isPresent()) {
                steps.run(plan.cleanup().get());
                done.add(plan.cleanup().get().label());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkepException(Kind.FAILED, "build interrupted", "the server is stopping; deploy again", e);
        } finally {
            save.awaitQuietly(); // a failed build still ends with no copy running into the cache
            deleteBuildTmp(tmp); // after the cell: nothing of the build still writes there
        }
        Duration took = since(started);
        log.info("event=build.done dir={} pm={} node={} how=\"{}\" steps=\"{}\" took_ms={}", appRoot, pm.command(),
                node.version(), how, String.join(", ", done), took.toMillis());
        return new BuildResult(how, took, String.join(", ", done), node.version().toString(), pruned, npmVersion);
    }

    /**
     * The Node the app asks for (engines.node, .nvmrc, .node-version): the host's when it
     * satisfies that, else the newest release that does.
     *
     * @throws SkepException (unprocessable) when the ask is not a range or nothing satisfies it
     */
    public NodeChoice chooseNode(Path appRoot) {
        return chooseNode(appRoot, NodeRequirement.of(appRoot, PackageJson.read(appRoot).flatMap(PackageJson::enginesNode)));
    }

    /** The node binary a release runs with (its recorded version; the host's for releases that name none). */
    public Path nodeFor(String releaseNode) {
        return nodes.binaryFor(releaseNode);
    }

    private NodeChoice chooseNode(Path appRoot, NodeRequirement wanted) {
        NodeChoice choice = nodes.choose(wanted);
        log.info("event=build.node dir={} node={} host={}", appRoot, choice.version(), choice.host());
        return choice;
    }

    private Path binary(NodeChoice node, Consumer<String> outputLine) {
        if (!node.host() && !nodes.cache().has(node.version())) {
            outputLine.accept("downloading Node " + node.version() + " (" + nodes.cache().dist().packageName()
                    + " through npm); kept for the next deploys");
        }
        return nodes.binary(node.version());
    }

    /**
     * The npm of a build on a fetched Node ({@link NpmChoice}), downloaded once per host: the host's npm
     * may not run on that Node.
     */
    private NodeVersion npm(NodeChoice node, Optional<PackageJson> pkg, Consumer<String> outputLine) {
        NpmChoice npm = chooseNpm(node, pkg);
        outputLine.accept(npm.reason());
        if (!npms.has(npm.version())) {
            outputLine.accept("downloading npm " + npm.version() + " (through the host's npm); kept for the next deploys");
        }
        log.info("event=build.npm node={} npm={}", node.version(), npm.version());
        npms.ensure(npm.version());
        return npm.version();
    }

    private NpmChoice chooseNpm(NodeChoice node, Optional<PackageJson> pkg) {
        return NpmChoice.choose(pkg.flatMap(PackageJson::enginesNpm), node.version(), npms.available());
    }

    /**
     * The npm a build of this app on that Node runs, as {@link #build} chooses it (not downloaded): empty on the
     * host's Node, whose npm is the host's.
     */
    public Optional<String> chooseNpm(Path appRoot, NodeChoice node) {
        return node.host() ? Optional.empty()
                : Optional.of(chooseNpm(node, PackageJson.read(appRoot)).version().toString());
    }

    /** The bin dir of the npm a release names, fetched if need be; null for one that names none. */
    public Path npmBinFor(String releaseNpm) {
        return nodes.npmBinFor(releaseNpm);
    }

    /** The install: over node_modules from the cache when its key matches, else from scratch. */
    private String install(Path appRoot, PackageJson pkg, BuildPlan plan, Optional<BuildCache> cache, Steps steps,
                           List<String> done, Consumer<String> outputLine, NodeVersion node, String npm)
            throws InterruptedException {
        Optional<String> key = cache.isPresent() && plan.packageManager().lockfile().isPresent()
                ? Optional.of(BuildCache.key(plan.packageManager(), lockfileBytes(appRoot, plan.packageManager()), pkg,
                        "v" + node, npm))
                : Optional.empty();
        long restoring = System.nanoTime();
        boolean warm = key.isPresent() && plan.warmInstall().isPresent()
                && cache.get().restoreNodeModules(appRoot, key.get(), remaining(steps.deadline()));
        BuildStep install = warm ? plan.warmInstall().get() : plan.install().get();
        if (warm) {
            outputLine.accept("restored node_modules from the build cache (same lockfile, package manager, Node and "
                    + "npm)");
            outputLine.accept(tookLine("restore node_modules", restoring));
            done.add("node_modules from the build cache");
        }
        steps.run(install);
        done.add(install.label());
        if (key.isPresent()) {
            // copied while the build runs (the build is CPU, the copy is disk; a Next.js node_modules is
            // ~500 MB), awaited before the prune
            BuildCache target = cache.get();
            Duration left = remaining(steps.deadline());
            steps.save().start(() -> {
                long saving = System.nanoTime();
                target.saveNodeModules(appRoot, key.get(), left);
                log.info("event=build.cache.saved dir={} what=node_modules took_ms={}", appRoot, since(saving).toMillis());
            });
        }
        return warm ? "cached " + install.label() : install.label();
    }

    private void restoreFrameworkCaches(BuildCache cache, Path appRoot, Instant deadline) {
        try {
            cache.restoreFrameworkCaches(appRoot, remaining(deadline));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkepException(Kind.FAILED, "build interrupted", "the server is stopping; deploy again", e);
        }
    }

    /** One build's fixed arguments to the runner, with each step echoed to the output first. */
    private record Steps(StepRunner runner, Path appRoot, BuildRequest request, BuildEnvironment env,
                         Instant deadline, Consumer<String> outputLine, BuildUser user, PackageManager pm,
                         BuildJail.Cell cell, CacheSave save) {

        /** Echoes the step, runs it, and says how long it took: where a slow deploy's time went. */
        void run(BuildStep step) throws InterruptedException {
            outputLine.accept("$ " + step.commandLine());
            long started = System.nanoTime();
            runner.run(step, appRoot, env.of(step.phase(), request.config(), pm.tool()), deadline, outputLine, user, pm, cell);
            outputLine.accept(tookLine(step.label(), started));
        }
    }

    private static byte[] lockfileBytes(Path appRoot, PackageManager pm) {
        try {
            return Files.readAllBytes(appRoot.resolve(pm.lockfile().orElseThrow()));
        } catch (IOException e) {
            throw new SkepException(Kind.UNPROCESSABLE, "could not read " + pm.lockfile().get() + " (" + e.getMessage()
                    + ")", "commit the lockfile as the file your package manager writes", e);
        }
    }

    /** A fresh temp dir for one build, the build user's, in its cache dir (0700 when it has a user). */
    private static Path buildTmp(Path userCache, BuildUser user) {
        try {
            Path tmp = Files.createTempDirectory(userCache, "_tmp-");
            if (user != null) {
                user.own(tmp);
            }
            return tmp;
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not make the build's temp dir in " + userCache + " ("
                    + e.getMessage() + ")", "check the server's data directory", e);
        }
    }

    private static void deleteBuildTmp(Path tmp) {
        try {
            RecursiveDelete.delete(tmp);
        } catch (IOException e) {
            log.warn("event=build.tmp-left dir={} error=\"{}\"", tmp, e.getMessage());
        }
    }

    /** Where npm would say the host's node lives ({@code /usr}): it derives it from the real path of node. */
    private Path hostPrefix() {
        return prefixOf(nodes.hostNode());
    }

    private static Path prefixOf(Path node) {
        try {
            node = node.toRealPath();
        } catch (IOException e) {
            log.warn("event=build.host-node-unresolved node={} error=\"{}\"", node, e.getMessage());
        }
        Path bin = node.getParent();
        return bin.getParent() == null ? bin : bin.getParent();
    }

    /**
     * The prefix of the node a build runs when it holds that very release's headers ({@code include/node}, as
     * a fetched release and Node's Linux packages do), for node-gyp's {@code nodedir}: without it node-gyp
     * downloads them from Node's site, which a host that reaches only its registry cannot, and a native addon
     * with no prebuilt binary for it (better-sqlite3 on a new Node) fails to install.
     */
    static Optional<Path> headersOf(Path node) {
        if (!node.isAbsolute()) { // not on the PATH: the build fails saying so
            return Optional.empty();
        }
        Path prefix = prefixOf(node);
        return Files.isRegularFile(prefix.resolve("include/node/common.gypi")) ? Optional.of(prefix) : Optional.empty();
    }

    private Path sharedCache() {
        try {
            Files.createDirectories(npmCacheDir.resolve("_home"));
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not prepare the npm cache " + npmCacheDir + " ("
                    + e.getMessage() + ")", "check the server's data directory", e);
        }
        return npmCacheDir;
    }

    /** {@code <cache>/uid-N}, 0700 and the user's own: tenants never share (or poison) a cache. */
    private Path userCache(BuildUser user) {
        Path dir = npmCacheDir.resolve("uid-" + user.uid());
        try {
            Files.createDirectories(dir.resolve("_home"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            user.own(dir.resolve("_home"));
            Files.setAttribute(dir, "unix:uid", user.uid());
            Files.setAttribute(dir, "unix:gid", user.gid());
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not prepare the npm cache " + dir + " (" + e.getMessage() + ")",
                    "check the server's data directory", e);
        }
        return dir;
    }

    /** "npm run build: 12.3 s", the line each timed part of a build ends with */
    static String tookLine(String what, long startNanos) {
        return String.format(Locale.ROOT, "%s: %.1f s", what, since(startNanos).toMillis() / 1000.0);
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
