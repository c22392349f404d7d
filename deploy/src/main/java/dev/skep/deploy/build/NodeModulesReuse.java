package dev.skep.deploy.build;

import dev.skep.deploy.fs.RecursiveDelete;
import dev.skep.deploy.fs.TreeCopy;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the previous release's node_modules over when the dependencies did not change, which
 * turns a redeploy of changed code into a copy instead of an install. Hard links first (instant,
 * and safe because slugs are never modified), a plain copy when they are not possible.
 */
final class NodeModulesReuse {

    private static final Logger log = LoggerFactory.getLogger(NodeModulesReuse.class);

    static final List<String> LOCKFILES = List.of("npm-shrinkwrap.json", "package-lock.json");

    private NodeModulesReuse() {
    }

    static Optional<Path> lockfile(Path appRoot) {
        return LOCKFILES.stream().map(appRoot::resolve).filter(Files::isRegularFile).findFirst();
    }

    /** A line saying how node_modules was carried over, or empty if it could not be. */
    static Optional<String> tryReuse(Path previous, Path appRoot, PackageJson current, Duration timeout)
            throws InterruptedException {
        Path from = previous.resolve("node_modules");
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS) || !sameDependencies(previous, appRoot, current)) {
            return Optional.empty();
        }
        Path to = appRoot.resolve("node_modules");
        try {
            if (hardLinkCopy(from, to, timeout)) {
                return Optional.of("hard-linked node_modules from the previous release");
            }
            RecursiveDelete.delete(to);
            TreeCopy.copy(from, to);
            return Optional.of("copied node_modules from the previous release");
        } catch (IOException e) {
            log.warn("event=build.reuse-failed from={} error=\"{}\" next=npm", from, e.toString());
            deleteQuietly(to);
            return Optional.empty();
        }
    }

    private static boolean sameDependencies(Path previous, Path appRoot, PackageJson current) {
        Optional<PackageJson> before = PackageJson.read(previous);
        if (before.isEmpty() || !before.get().dependencies().equals(current.dependencies())) {
            return false;
        }
        try {
            for (String name : LOCKFILES) {
                if (!Arrays.equals(bytesOrNull(previous.resolve(name)), bytesOrNull(appRoot.resolve(name)))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** cp -al: one hard link per file, done by the tool built for it. */
    private static boolean hardLinkCopy(Path from, Path to, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder cp = new ProcessBuilder("cp", "-al", from.toString(), to.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        cp.environment().keySet().retainAll(List.of("PATH"));
        Process process = cp.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            ProcessTree.kill(process.toHandle());
            return false;
        }
        return process.exitValue() == 0;
    }

    private static byte[] bytesOrNull(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
    }

    private static void deleteQuietly(Path dir) {
        try {
            RecursiveDelete.delete(dir);
        } catch (IOException e) {
            // npm ci removes node_modules first anyway; npm install would build on top of it.
            log.warn("event=build.reuse-cleanup-failed dir={} error=\"{}\"", dir, e.toString());
        }
    }
}
