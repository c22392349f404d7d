package dev.skep.model.limits;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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
