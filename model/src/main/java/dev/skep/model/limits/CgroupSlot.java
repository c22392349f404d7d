package dev.skep.model.limits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The cgroup(s) of one instance: joined at launch, read for OOM kills, emptied and removed at the end. */
public interface CgroupSlot {

    /** The {@code cgroup.procs} files the launch writes its pid to before it execs the app. */
    List<Path> procsFiles();

    /** How many times the kernel's OOM killer struck inside this slot so far. */
    long oomKills();

    /** Every process in the slot now. */
    Set<Long> pids();

    /** Removes the slot's directories once empty; best effort, logged. */
    void remove();

    /**
     * SIGKILLs every process in the slot until none is left (a fork racing the kill lands in the
     * slot too, so it is caught on the next pass); the slot stays, for a restart to use. True when
     * it emptied within {@code within}. Unlike killing a process tree, nothing that reparented or
     * daemonized escapes.
     */
    default boolean empty(Duration within) {
        return CgroupFiles.killAll(this::pids, within);
    }

    /** {@link #empty} and then {@link #remove}: the slot's last use. */
    default boolean killAll(Duration within) {
        boolean empty = empty(within);
        remove();
        return empty;
    }
}
