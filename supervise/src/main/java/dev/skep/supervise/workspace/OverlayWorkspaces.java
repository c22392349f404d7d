package dev.skep.supervise.workspace;

import dev.skep.model.fs.RecursiveDelete;
import dev.skep.model.fs.TreeSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Root's copies: an overlay with the slug as its read-only lower layer and an upper dir of the
 * instance's own, mounted, with the volumes bound over it, in a mount namespace of the instance's
 * own ({@code unshare -m}, which execs in place: the pid stays). Nothing is copied, so a 400 MB slug
 * starts as fast as a small one; the mounts exist only in that namespace and vanish with its last
 * process, so nothing piles up in the host's mount table and an agent restart leaves nothing to clean.
 *
 * <pre>
 *  work/{instance}/app              the mount point (empty on the host), the app's cwd
 *  work/{instance}/layers/{n}/upper what this launch wrote (the app's, 0700), work/ overlay's scratch
 * </pre>
 * Each launch gets a new layer dir and the older ones are deleted: a restart starts from the slug
 * again, and nothing the former process left (say, a link where a volume goes) can steer the mounts.
 */
public final class OverlayWorkspaces implements Workspaces {

    static final String UNSHARE = "/usr/bin/unshare";
    /** Each instance's own, empty at each start: tenants share no scratch space (nor a place to leave things). */
    static final List<String> PRIVATE_DIRS = List.of("/tmp", "/var/tmp", "/dev/shm");
    /** Each private dir's size; what is written there counts against the instance's memory limit too. */
    static final String PRIVATE_SIZE = "256m";
    /**
     * $1 lower, $2 upper, $3 work, $4 mount point, $5 "hidepid" to mount a /proc that shows only the app's own
     * processes (or "-"), then pairs SOURCE PATH, then --, then the private dirs, then --, then the rest of the chain.
     */
    static final String SCRIPT = "l=$1; u=$2; w=$3; m=$4; h=$5; shift 5; "
            + "mount -t overlay skep-app -o \"nosuid,nodev,lowerdir=$l,upperdir=$u,workdir=$w\" \"$m\" "
            + "|| { echo \"skep: cannot mount the app's writable copy at $m\" >&2; exit 97; }; "
            + "while [ \"$1\" != -- ]; do s=$1; p=$2; shift 2; "
            + "mkdir -p \"$m/$p\" && [ ! -L \"$m/$p\" ] && mount --bind -o nosuid,nodev \"$s\" \"$m/$p\" "
            + "|| { echo \"skep: cannot mount volume $p\" >&2; exit 97; }; done; shift; "
            + "while [ \"$1\" != -- ]; do mount -t tmpfs -o nosuid,nodev,mode=1777,size=" + PRIVATE_SIZE
            + " skep-tmp \"$1\" || { echo \"skep: cannot mount a private $1\" >&2; exit 97; }; shift; done; shift; "
            + "if [ \"$h\" = hidepid ]; then mount -t proc -o nosuid,nodev,noexec,hidepid=2 skep-proc /proc "
            + "|| { echo \"skep: cannot mount /proc with hidepid\" >&2; exit 97; }; fi; "
            + "cd \"$m\" || exit 97; unset PWD OLDPWD; exec \"$@\"";
    private static final Logger log = LoggerFactory.getLogger(OverlayWorkspaces.class);

    private final Path workRoot;
    private final Function<String, Path> layersOf;
    private final List<String> privateDirs;
    private final boolean hidepid;

    public OverlayWorkspaces(Path workRoot) {
        this(workRoot, instance -> null);
    }

    /**
     * @param layersOf where an instance's upper and work dirs go (on the app's own disk, for its quota), or null
     *                 for {@code workRoot/{instance}/layers}
     */
    public OverlayWorkspaces(Path workRoot, Function<String, Path> layersOf) {
        this.workRoot = workRoot;
        this.layersOf = layersOf;
        this.privateDirs = privateDirs(workRoot);
        this.hidepid = hidepidWorks();
        log.info("event=workspace.isolation private_dirs=\"{}\" hidepid={}{}", String.join(",", privateDirs), hidepid,
                privateDirs.size() < PRIVATE_DIRS.size() ? " note=\"a private dir that holds the data dir is shared\"" : "");
    }

    /** The private dirs that exist and do not hold the workspaces (a data dir under /tmp: tests). */
    static List<String> privateDirs(Path workRoot) {
        Path root = workRoot.toAbsolutePath().normalize();
        return PRIVATE_DIRS.stream().filter(d -> Files.isDirectory(Path.of(d)) && !root.startsWith(d)).toList();
    }

    /**
     * True when root may mount a /proc of its own with hidepid in a new mount namespace (Linux 5.8+ gives each
     * mount its own options); elsewhere the host's /proc is what apps see: mount it with hidepid=2 there.
     */
    static boolean hidepidWorks() {
        try {
            FileTrees.run(List.of(UNSHARE, "-m", "--propagation", "private", "/bin/sh", "-c",
                    "mount -t proc -o nosuid,nodev,noexec,hidepid=2 skep-proc /proc"));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * True when this host lets root mount an overlay in a new mount namespace under {@code workRoot}
     * (a filesystem that cannot be an upper layer, or a container without the right, says no).
     */
    public static boolean works(Path workRoot) {
        Path probe = workRoot.resolve(".probe-" + ProcessHandle.current().pid());
        try {
            for (String d : List.of("lower", "upper", "work", "merged")) {
                Files.createDirectories(probe.resolve(d));
            }
            Files.writeString(probe.resolve("lower/f"), "x");
            FileTrees.run(List.of(UNSHARE, "-m", "--propagation", "private", "/bin/sh", "-c", SCRIPT, "skep-probe",
                    probe.resolve("lower").toString(), probe.resolve("upper").toString(),
                    probe.resolve("work").toString(), probe.resolve("merged").toString(), "-", "--", "--",
                    "/bin/sh", "-c", "echo y >> f"));
            // the write went to the upper layer and left the lower one as it was
            return Files.readString(probe.resolve("upper/f")).equals("xy\n")
                    && Files.readString(probe.resolve("lower/f")).equals("x");
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            try {
                RecursiveDelete.delete(probe);
            } catch (IOException ignored) {
                // a probe dir left behind is harmless
            }
        }
    }

    @Override
    public Prepared prepare(String instance, Path slug, Owner owner, List<VolumeMount> volumes) throws IOException {
        Path dir = workRoot.resolve(instance);
        Path app = dir.resolve("app");
        Path layers = layers(instance);
        Files.createDirectories(app);
        Files.createDirectories(layers);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(layers, PosixFilePermissions.fromString("rwx------"));
        // on the host the mount point stays empty and root's: only the instance's namespace has the copy there
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwx------"));
        try (var old = Files.list(layers)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                RecursiveDelete.delete(p);
            }
        }
        Path layer = Files.createTempDirectory(layers, "l");
        Path upper = Files.createDirectory(layer.resolve("upper"));
        Path work = Files.createDirectory(layer.resolve("work"));
        // the copy's top dir takes the upper dir's owner and mode: the app's, 0700
        Files.setPosixFilePermissions(upper, PosixFilePermissions.fromString("rwx------"));
        if (owner != null) {
            Files.setAttribute(upper, "unix:uid", owner.uid());
            Files.setAttribute(upper, "unix:gid", owner.gid());
        }
        for (Path p : List.of(slug, upper, work, app)) {
            if (p.toString().contains(",") || p.toString().contains(":")) {
                throw new IOException("cannot mount an overlay on " + p + ": its path has a ',' or ':'; "
                        + "choose a data dir without them");
            }
        }
        List<String> head = new ArrayList<>(List.of(UNSHARE, "-m", "--propagation", "private", "/bin/sh", "-c",
                SCRIPT, "skep-mounts", slug.toString(), upper.toString(), work.toString(), app.toString(),
                hidepid ? "hidepid" : "-"));
        for (VolumeMount v : volumes) {
            VolumeSites.check(slug, v.path());
            head.add(v.source().toString());
            head.add(v.path());
        }
        head.add("--");
        head.addAll(privateDirs);
        head.add("--");
        return new Prepared(app, head);
    }

    private Path layers(String instance) {
        Path own = layersOf.apply(instance);
        return own == null ? workRoot.resolve(instance).resolve("layers") : own;
    }

    @Override
    public void remove(String instance) throws IOException {
        RecursiveDelete.delete(layers(instance));
        RecursiveDelete.delete(workRoot.resolve(instance));
    }

    @Override
    public long written(String instance) throws IOException {
        return TreeSize.bytes(layers(instance));
    }

    @Override
    public String kind() {
        return "overlay";
    }
}
