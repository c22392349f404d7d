package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.InstanceIds;
import dev.skep.model.Release;
import dev.skep.model.limits.CgroupSlot;
import dev.skep.model.limits.Confinement;
import dev.skep.model.limits.ResourceLimits;
import dev.skep.model.node.NodeInstalls;
import dev.skep.model.node.NpmConfig;
import dev.skep.model.node.NpmPackageEnv;
import dev.skep.model.node.PnpHook;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Starts one app process: argv with the absolute node binary, an environment built from the
 * release only (never the agent's own), its own session and process group ({@code setsid}, which
 * execs in place so the pid stays), optionally a dropped uid ({@code setpriv}), stdin from
 * /dev/null and stdout/stderr appended to raw files (never pipes: an agent killed with -9 must not
 * take its apps down with SIGPIPE).
 */
public final class Launcher {

    static final String SETSID = "/usr/bin/setsid";
    static final String SETPRIV = "/usr/bin/setpriv";

    /**
     * Everything one launch needs. {@code user} is null when isolation is off; {@code limits} null
     * when none apply, {@code cgroup} null when the host has no usable cgroups; {@code mounts} the head
     * of the chain that mounts the instance's copy and volumes (see workspace/), empty for none;
     * {@code argv} what to run instead of the assignment's process type (a one-off), null for that;
     * {@code slugDir} the slug the app dir is a copy of, null when the app dir holds its files already (an
     * overlay copy is mounted only in the instance's own namespace, so the agent reads the slug instead).
     */
    public record Spec(Assignment assignment, Path appDir, int port, Path runDir, AppUsers.AppUser user,
                       ResourceLimits limits, CgroupSlot cgroup, List<String> mounts, List<String> argv,
                       Path slugDir) {

        public Spec {
            mounts = mounts == null ? List.of() : List.copyOf(mounts);
            argv = argv == null ? null : List.copyOf(argv);
        }

        public Spec(Assignment assignment, Path appDir, int port, Path runDir, AppUsers.AppUser user,
                    ResourceLimits limits, CgroupSlot cgroup, List<String> mounts, List<String> argv) {
            this(assignment, appDir, port, runDir, user, limits, cgroup, mounts, argv, null);
        }

        public Spec(Assignment assignment, Path appDir, int port, Path runDir, AppUsers.AppUser user,
                    ResourceLimits limits, CgroupSlot cgroup, List<String> mounts) {
            this(assignment, appDir, port, runDir, user, limits, cgroup, mounts, null);
        }

        public Spec(Assignment assignment, Path appDir, int port, Path runDir, AppUsers.AppUser user) {
            this(assignment, appDir, port, runDir, user, null, null, List.of());
        }

        /** What it runs: the one-off's argv, else its process type's command in the release. */
        public List<String> command() {
            return argv != null ? argv : assignment.command();
        }
    }

    private final Function<Release, Path> nodes;
    private final Function<Release, Path> npmBins;
    private final Function<String, Map<String, String>> extraEnv;

    public Launcher(Path node) {
        this(node, instance -> Map.of());
    }

    /** Every release runs with this one node binary. */
    public Launcher(Path node, Function<String, Map<String, String>> extraEnv) {
        this((Function<Release, Path>) release -> node, extraEnv);
    }

    /**
     * @param nodes    the absolute node binary of a release: the Node version it names (fetched into
     *                 the host's cache if need be), else the host's
     * @param extraEnv variables the composition root adds per instance (heartbeat URL and secret)
     */
    public Launcher(Function<Release, Path> nodes,
                    Function<String, Map<String, String>> extraEnv) {
        this(nodes, release -> null, extraEnv);
    }

    /**
     * @param npmBins the bin dir of a release's npm (on a fetched Node, the one its build ran), or null: the host's
     */
    public Launcher(Function<Release, Path> nodes, Function<Release, Path> npmBins,
                    Function<String, Map<String, String>> extraEnv) {
        this.nodes = nodes;
        this.npmBins = npmBins;
        this.extraEnv = extraEnv;
    }

    public Process start(Spec spec) throws IOException {
        Files.createDirectories(spec.runDir());
        Path stdout = stdout(spec.runDir());
        Path stderr = stderr(spec.runDir());
        for (Path raw : List.of(stdout, stderr)) {
            if (!Files.exists(raw)) {
                Files.createFile(raw);
            }
        }
        if (spec.user() != null) {
            own(spec.runDir(), spec.user());
            own(stdout, spec.user());
            own(stderr, spec.user());
            Files.setPosixFilePermissions(spec.runDir(), PosixFilePermissions.fromString("rwx------"));
        }
        return builder(spec)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .start();
    }

    /**
     * Starts a one-off with its stdout and stderr merged into the returned process's input stream: a pipe,
     * because a one-off lives only as long as the client reading it (its run dir is unused).
     */
    public Process startPiped(Spec spec) throws IOException {
        return builder(spec).redirectErrorStream(true).start();
    }

    private ProcessBuilder builder(Spec spec) {
        Path node = nodes.apply(spec.assignment().release());
        ProcessBuilder builder = new ProcessBuilder(command(spec, node))
                .directory(spec.appDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(environment(spec, node));
        return builder;
    }

    public static Path stdout(Path runDir) {
        return runDir.resolve("stdout");
    }

    public static Path stderr(Path runDir) {
        return runDir.resolve("stderr");
    }

    /** The full exec chain: setsid [unshare sh (mounts)] [sh (limits, cgroups)] [setpriv ...] node args. */
    List<String> command(Spec spec) {
        return command(spec, nodes.apply(spec.assignment().release()));
    }

    private List<String> command(Spec spec, Path node) {
        List<String> out = new ArrayList<>();
        out.add(SETSID);
        out.addAll(spec.mounts()); // as root, before the uid is dropped
        if (spec.limits() != null) {
            out.addAll(Confinement.head(spec.limits(), spec.cgroup() == null ? List.of() : spec.cgroup().procsFiles()));
        }
        if (spec.user() != null) {
            out.addAll(List.of(SETPRIV, "--reuid=" + spec.user().uid(), "--regid=" + spec.user().gid(),
                    "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--"));
        }
        out.addAll(argv(spec.command(), node));
        return out;
    }

    /** The release's argv with a leading {@code node} replaced by the absolute binary. */
    public static List<String> argv(List<String> command, Path node) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the release has an empty start command for this process type");
        }
        List<String> out = new ArrayList<>(command);
        String first = out.get(0);
        if (first.equals("node") || first.equals("nodejs")) {
            out.set(0, node.toString());
        } else if (first.endsWith(".js") || first.endsWith(".mjs") || first.endsWith(".cjs")) {
            out.add(0, node.toString());
        }
        return out;
    }

    /** The whole environment of an instance: the release's env plus what skep sets. */
    public Map<String, String> environment(Assignment assignment, int port, Path appDir) {
        return environment(assignment, port, appDir, nodes.apply(assignment.release()));
    }

    /**
     * The environment of the process a spec starts: with yarn's Plug'n'Play hook when its slug has one, and what npm
     * tells scripts of their package.
     */
    Map<String, String> environment(Spec spec, Path node) {
        Map<String, String> env = environment(spec.assignment(), spec.port(), spec.appDir(), node);
        Path files = spec.slugDir() == null ? spec.appDir() : spec.slugDir();
        PnpHook.of(files).ifPresent(hook -> hook.applyTo(env, spec.appDir()));
        NpmPackageEnv.applyTo(env, files, spec.appDir());
        return env;
    }

    /**
     * @param node the release's node binary: its directory, after its npm's when it names one, comes first on PATH
     *             (after the app's own bins), so scripts' npm, npx and node are the release's, as in its build
     */
    private Map<String, String> environment(Assignment assignment, int port, Path appDir, Path node) {
        Release release = assignment.release();
        Map<String, String> env = new TreeMap<>(release.env());
        env.putAll(extraEnv.apply(assignment.instance()));
        env.putIfAbsent("NODE_ENV", "production");
        NpmConfig.quietAtRuntime(env);
        env.put("PORT", Integer.toString(port));
        env.put("SKEP_APP", release.app().toString());
        env.put("SKEP_RELEASE", Integer.toString(release.number()));
        env.put("SKEP_INSTANCE", assignment.instance());
        env.put("SKEP_PROCESS", InstanceIds.process(assignment.instance())); // Heroku's DYNO: worker.1
        // as npm does for scripts: the app's own bins (e.g. `next start`) come first
        env.put("PATH", appDir.resolve("node_modules/.bin") + ":" + NodeInstalls.pathPrefix(node,
                npmBins.apply(release)) + ":" + AgentConfig.SYSTEM_PATH);
        env.put("HOME", appDir.toString());
        return env;
    }

    private static void own(Path path, AppUsers.AppUser user) throws IOException {
        // numeric ids need no passwd entry: "unix:uid" is a Linux file attribute view
        Files.setAttribute(path, "unix:uid", user.uid());
        Files.setAttribute(path, "unix:gid", user.gid());
    }

}
