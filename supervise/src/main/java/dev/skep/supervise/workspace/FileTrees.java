package dev.skep.supervise.workspace;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Whole-tree operations on the agent's own dirs: copy (through cp, so reflinks are used where the filesystem has them), chown; deleting is RecursiveDelete's, sizes TreeSize's. */
public final class FileTrees {

    private FileTrees() {
    }

    /** {@code cp -a --reflink=auto from to}: a full copy (data shared only on reflink filesystems), never hardlinks. */
    public static void copy(Path from, Path to) throws IOException {
        run(List.of("/bin/cp", "-a", "--reflink=auto", "--", from.toString(), to.toString()));
    }

    /** Copies what is inside {@code from} into the existing dir {@code to}. */
    public static void copyContents(Path from, Path to) throws IOException {
        run(List.of("/bin/cp", "-a", "--reflink=auto", "--", from + "/.", to.toString()));
    }

    /** Numeric owner of everything under {@code root} (links themselves, never followed). */
    public static void chown(Path root, int uid, int gid) throws IOException {
        run(List.of("/bin/chown", "-R", "-h", uid + ":" + gid, "--", root.toString()));
    }

    /** Gives the owner write access to everything under {@code root} (a copy of a read-only slug). */
    public static void ownerWritable(Path root) throws IOException {
        run(List.of("/bin/chmod", "-R", "u+w", "--", root.toString()));
    }

    static void run(List<String> command) throws IOException {
        run(command, 0);
    }

    /** Runs {@code command}; an exit code up to {@code maxOk} is success (e2fsck's 1: errors found and fixed). */
    static void run(List<String> command, int maxOk) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " took longer than 10 minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        if (process.exitValue() < 0 || process.exitValue() > maxOk) {
            throw new IOException(command.get(0) + " failed (code " + process.exitValue() + "): " + output.strip());
        }
    }
}
