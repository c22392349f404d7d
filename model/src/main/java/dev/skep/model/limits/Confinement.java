package dev.skep.model.limits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The head of an instance's exec chain that applies its limits before the app runs: a POSIX
 * shell sets the open-files limit and the file size limit (if any), writes its own pid to each cgroup's
 * {@code cgroup.procs} (so the app and every child it forks start inside the cgroups, never outside), then execs the
 * rest of the chain in place: the pid stays the instance's. If any step fails it exits with
 * {@link #FAILED_EXIT} and says why on stderr, and the app does not run unconfined. The shell adds nothing to the
 * environment (PWD is unset).
 */
public final class Confinement {

    public static final int FAILED_EXIT = 97;
    static final String SH = "/bin/sh";
    /** A POSIX shell's {@code ulimit -f} counts blocks of this many bytes. */
    static final long FILE_BLOCK = 512;
    static final String SCRIPT = "unset PWD; n=$1; f=$2; shift 2; "
            + "ulimit -n \"$n\" || { echo \"skep: cannot set the open files limit to $n\" >&2; exit 97; }; "
            + "[ \"$f\" = - ] || ulimit -f \"$f\" || { echo \"skep: cannot set the file size limit to $f blocks\" >&2; "
            + "exit 97; }; "
            + "for f in \"$@\"; do shift; "
            + "if [ \"$f\" = -- ]; then exec \"$@\"; fi; "
            + "echo $$ > \"$f\" || { echo \"skep: cannot join cgroup $f\" >&2; exit 97; }; "
            + "done; exit 97";

    private Confinement() {
    }

    /** {@code sh -c SCRIPT skep-limits NOFILE FSIZE|- PROCS... --}, to be followed by the rest of the chain. */
    public static List<String> head(ResourceLimits limits, List<Path> procsFiles) {
        String fileBlocks = limits.maxFileBytes() > 0 ? Long.toString(Math.max(1, limits.maxFileBytes() / FILE_BLOCK))
                : "-";
        List<String> out = new ArrayList<>(List.of(SH, "-c", SCRIPT, "skep-limits", Integer.toString(limits.openFiles()),
                fileBlocks));
        procsFiles.forEach(p -> out.add(p.toString()));
        out.add("--");
        return out;
    }
}
