package dev.skep.model.limits;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Every process of one uid, found in /proc: what an app left running outside any cgroup (a build's
 * daemon from before builds had cgroups, a process another tenant's cgroup cannot see) is gone
 * when the app is.
 */
public final class UidProcesses {

    private UidProcesses() {
    }

    /** The running (not zombie) pids whose real, effective, saved or filesystem uid is {@code uid}. */
    public static Set<Long> of(int uid) {
        return of(Path.of("/proc"), uid);
    }

    static Set<Long> of(Path proc, int uid) {
        Set<Long> out = new LinkedHashSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path dir : dirs) {
                if (ownedBy(dir.resolve("status"), uid)) {
                    out.add(Long.parseLong(dir.getFileName().toString()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return out;
        }
        return out;
    }

    /**
     * True when some process runs as {@code uid}, judged by who owns its /proc directory (its effective uid): one
     * stat per process instead of reading each one's status, for a choice on a deploy's path (a new app's uid).
     * Coarser than {@link #of(int)}: a process whose effective uid differs from its real one, or that made itself
     * non-dumpable (its directory is then root's), is not seen. skep's apps and builds cannot change their uids
     * (no_new_privs, no capabilities); one could make itself non-dumpable, but a uid skep handed out is never handed
     * out again and a deleted app's processes are killed with the full check, so what this guards against is other
     * users' processes in skep's uid range.
     */
    public static boolean anyRunAs(int uid) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                try {
                    if (((Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == uid) {
                        return true;
                    }
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        } catch (IOException e) {
            return false; // no listing of /proc: nothing to go on (of() finds nothing then either)
        }
        return false;
    }

    /**
     * SIGKILLs every process of {@code uid} until none is left or {@code within} passes; true when none is left.
     *
     * @throws IllegalArgumentException for root or skep's own uid: never this process's peers
     */
    public static boolean killAll(int uid, Duration within) {
        if (uid <= 0 || uid == selfUid()) {
            throw new IllegalArgumentException("refusing to kill every process of uid " + uid + " (root or skep's own)");
        }
        return CgroupFiles.killAll(() -> of(uid), within);
    }

    /** True while the process exists and is not a zombie (killed, waiting for its parent to reap it). */
    public static boolean running(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("State:")) {
                    return !line.substring(6).trim().startsWith("Z");
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static boolean ownedBy(Path status, int uid) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("State:") && line.substring(6).trim().startsWith("Z")) {
                    return false; // dead already: its parent (or init) reaps it
                }
                if (line.startsWith("Uid:")) {
                    for (String id : line.substring(4).trim().split("\\s+")) {
                        if (Integer.parseInt(id) == uid) {
                            return true;
                        }
                    }
                    return false;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false; // gone meanwhile
        }
        return false;
    }

    private static int selfUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
