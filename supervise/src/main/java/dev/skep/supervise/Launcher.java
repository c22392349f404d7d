package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.Release;
import dev.skep.supervise.limits.CgroupSlot;
import dev.skep.supervise.limits.Confinement;
import dev.skep.supervise.limits.ResourceLimits;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    static final String SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

    /**
     * Everything one launch needs. {@code user} is null when isolation is off; {@code limits} null
     * when none apply, {@code cgroup} null when the host has no usable cgroups.
     */
    public record Spec(Assignment assignment, Path appDir, int port, Path runDir, AppUsers.AppUser user,
                       ResourceLimits limits, CgroupSlot cgroup) {

        public Spec(Assignment assignment, Path appDir, int port, Path runDir, AppUsers.AppUser user) {
            this(assignment, appDir, port, runDir, user, null, null);
        }
    }

    private final java.util.function.Function<Release, Path> nodes;
    private final java.util.function.Function<String, Map<String, String>> extraEnv;

    public Launcher(Path node) {
        this(node, instance -> Map.of());
    }

    /** Every release runs with this one node binary. */
    public Launcher(Path node, java.util.function.Function<String, Map<String, String>> extraEnv) {
        this((java.util.function.Function<Release, Path>) release -> node, extraEnv);
    }

    /**
     * @param nodes    the absolute node binary of a release: the Node version it names (fetched into
     *                 the host's cache if need be), else the host's
     * @param extraEnv variables the composition root adds per instance (heartbeat URL and secret)
     */
    public Launcher(java.util.function.Function<Release, Path> nodes,
                    java.util.function.Function<String, Map<String, String>> extraEnv) {
        this.nodes = nodes;
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
            ownTree(spec.appDir(), spec.user());
        }
        Path node = nodes.apply(spec.assignment().release());
        ProcessBuilder builder = new ProcessBuilder(command(spec, node))
                .directory(spec.appDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(environment(spec.assignment(), spec.port(), spec.appDir(), node));
        return builder.start();
    }

    public static Path stdout(Path runDir) {
        return runDir.resolve("stdout");
    }

    public static Path stderr(Path runDir) {
        return runDir.resolve("stderr");
    }

    /** The full exec chain: setsid [sh (limits, cgroups)] [setpriv ...] node args. */
    List<String> command(Spec spec) {
        return command(spec, nodes.apply(spec.assignment().release()));
    }

    private List<String> command(Spec spec, Path node) {
        List<String> out = new ArrayList<>();
        out.add(SETSID);
        if (spec.limits() != null) {
            out.addAll(Confinement.head(spec.limits(), spec.cgroup() == null ? List.of() : spec.cgroup().procsFiles()));
        }
        if (spec.user() != null) {
            out.addAll(List.of(SETPRIV, "--reuid=" + spec.user().uid(), "--regid=" + spec.user().gid(),
                    "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--"));
        }
        out.addAll(argv(spec.assignment().release().command(), node));
        return out;
    }

    /** The release's argv with a leading {@code node} replaced by the absolute binary. */
    public static List<String> argv(List<String> command, Path node) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("release has an empty start command");
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

    /** @param node the release's node binary: its directory comes first on PATH, so scripts' npm/node are it */
    private Map<String, String> environment(Assignment assignment, int port, Path appDir, Path node) {
        Release release = assignment.release();
        Map<String, String> env = new TreeMap<>(release.env());
        env.putAll(extraEnv.apply(assignment.instance()));
        env.putIfAbsent("NODE_ENV", "production");
        env.put("PORT", Integer.toString(port));
        env.put("SKEP_APP", release.app().toString());
        env.put("SKEP_RELEASE", Integer.toString(release.number()));
        env.put("SKEP_INSTANCE", assignment.instance());
        // as npm does for scripts: the app's own bins (e.g. `next start`) come first
        env.put("PATH", appDir.resolve("node_modules/.bin") + ":" + node.getParent() + ":" + SYSTEM_PATH);
        env.put("HOME", appDir.toString());
        return env;
    }

    /**
     * Gives the app its slug: owned by its uid, top dir 0700, so no other app can read it. Done
     * once per slug (a slug belongs to one app); links are changed themselves, never followed.
     */
    static void ownTree(Path appDir, AppUsers.AppUser user) throws IOException {
        int owner = (Integer) Files.getAttribute(appDir, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (owner != user.uid()) {
            try (var paths = Files.walk(appDir)) {
                for (Path p : (Iterable<Path>) paths::iterator) {
                    Files.setAttribute(p, "unix:uid", user.uid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(p, "unix:gid", user.gid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        // always: a slug built under the app's uid arrives owned already, its top dir maybe 0755 from the tar
        Files.setPosixFilePermissions(appDir, PosixFilePermissions.fromString("rwx------"));
    }

    private static void own(Path path, AppUsers.AppUser user) throws IOException {
        // numeric ids need no passwd entry: "unix:uid" is a Linux file attribute view
        Files.setAttribute(path, "unix:uid", user.uid());
        Files.setAttribute(path, "unix:gid", user.gid());
    }

}
