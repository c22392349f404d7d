package dev.skep.model.node;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of skep's own helper commands (npm, tar, node --version) to the end, output into files
 * (never pipes that could fill), with a time limit; a failure names the command and its last output.
 */
final class Command {

    private Command() {
    }

    /** @return the command's standard output */
    static String run(List<String> argv, Path dir, Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("skep-cmd-", ".out");
            err = Files.createTempFile("skep-cmd-", ".err");
            Process p = new ProcessBuilder(argv).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new SkepException(Kind.UNAVAILABLE, "`" + String.join(" ", argv) + "` took longer than "
                        + timeout.toSeconds() + " s", "check the host's network and npm configuration, then deploy again");
            }
            if (p.exitValue() != 0) {
                throw new SkepException(Kind.UNAVAILABLE, "`" + String.join(" ", argv) + "` failed with exit code "
                        + p.exitValue() + ": " + tail(err), "check the host's network and npm configuration "
                        + "(npm config get registry), then deploy again");
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not run `" + String.join(" ", argv) + "` (" + e.getMessage()
                    + ")", "check that npm and tar are installed on the host", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkepException(Kind.FAILED, "interrupted running `" + String.join(" ", argv) + "`",
                    "the server is stopping; try again", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** An executable named {@code name} on a PATH value, absolute. */
    static Path find(String name, String searchPath) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toAbsolutePath();
                }
            }
        }
        throw new SkepException(Kind.FAILED, name + " is not on the PATH " + searchPath,
                "install Node.js with npm on this host");
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        String oneLine = text.replaceAll("\\s*\\n\\s*", " | ");
        return oneLine.length() > 400 ? "..." + oneLine.substring(oneLine.length() - 400) : oneLine;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file of a few bytes
            }
        }
    }
}
