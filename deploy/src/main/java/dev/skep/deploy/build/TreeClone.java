package dev.skep.deploy.build;

import dev.skep.model.fs.RecursiveDelete;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A full, independent copy of a tree by {@code cp -a --reflink=auto}: owners, modes, times and
 * links kept, copy-on-write where the filesystem can. Never hard links: a build or an app
 * writing into its copy must not change the original.
 */
final class TreeClone {

    private TreeClone() {
    }

    /**
     * Copies {@code from} to {@code to} (which must not exist); on failure nothing is left at {@code to}.
     *
     * @param user copy as this user (null: as skep), so a link planted in a tree reads nothing it could not
     */
    static void copy(Path from, Path to, Duration timeout, BuildUser user) throws IOException, InterruptedException {
        List<String> argv = List.of("cp", "-a", "--reflink=auto", from.toString(), to.toString());
        ProcessBuilder cp = new ProcessBuilder(user == null ? argv : user.wrap(argv))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true);
        cp.environment().keySet().retainAll(List.of("PATH"));
        Process process = cp.start();
        boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            ProcessTree.kill(process.toHandle());
        }
        if (!done || process.exitValue() != 0) {
            RecursiveDelete.delete(to);
            throw new IOException("cp -a " + from + " " + to + (done ? " exited " + process.exitValue() : " timed out"));
        }
    }
}
