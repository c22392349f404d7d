package dev.skep.deploy.build;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link BuildStep}: exactly the environment it is given, no stdin, its output streamed
 * line by line as it comes and its last lines kept for the error, and killed with everything it
 * started when the build's deadline passes.
 */
final class StepRunner {

    private static final Logger log = LoggerFactory.getLogger(StepRunner.class);
    static final int TAIL_LINES = 40;
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);

    private final Duration limit;

    /** @param limit the whole build's time limit, named in the message when it passes */
    StepRunner(Duration limit) {
        this.limit = limit;
    }

    /**
     * A build process as every one runs (a step, the release phase): in the jail's cell, as the build user (null:
     * skep's own), in {@code dir}, with only {@code env}, nothing on stdin and stderr into stdout.
     */
    static ProcessBuilder processIn(BuildJail.Cell cell, BuildUser user, List<String> argv, Path dir,
                                    Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(cell.wrap(user == null ? argv : user.wrap(argv)))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder;
    }

    /** Runs the step; throws what {@link StepFailure} makes of a non-zero exit or the deadline. */
    void run(BuildStep step, Path dir, Map<String, String> env, Instant deadline, Consumer<String> outputLine,
             BuildUser user, PackageManager pm, BuildJail.Cell cell) throws InterruptedException {
        List<String> argv = new ArrayList<>(step.argv());
        argv.set(0, find(argv.get(0), env.get("PATH")));
        ProcessBuilder builder = processIn(cell, user, argv, dir, env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not start " + step.label() + " (" + e.getMessage() + ")",
                    "install Node.js and npm on the server, on the PATH it starts with", e);
        }
        OutputTail tail = new OutputTail(TAIL_LINES);
        List<String> telling = Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofVirtual().name("build-output-" + process.pid())
                .start(() -> pump(process.getInputStream(), line -> {
                    tail.add(line);
                    if (telling.size() < StepFailure.MAX_TELLING_LINES && StepFailure.telling(line)) {
                        telling.add(line);
                    }
                }, outputLine));
        long waitMillis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        boolean finished;
        try {
            finished = process.waitFor(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            ProcessTree.kill(process.toHandle());
            throw e;
        }
        if (!finished) {
            ProcessTree.kill(process.toHandle());
            drain(reader, process);
            throw StepFailure.timedOut(step, limit, tail.text());
        }
        drain(reader, process);
        if (process.exitValue() != 0 && cell.oomKills() > 0) {
            throw new SkepException(Kind.UNPROCESSABLE, step.label() + " was killed: the build ran out of its memory "
                    + "limit (" + cell.limits().memoryText() + ")", "make the build use less memory (e.g. "
                    + "NODE_OPTIONS=--max-old-space-size), or ask the admin to raise skep server --build-memory\n" + tail.text());
        }
        if (process.exitValue() != 0) {
            throw StepFailure.exited(step, pm, process.exitValue(), tail.text(), List.copyOf(telling));
        }
    }

    /** @param kept sees every line first, for the error; the listener may fail without stopping it */
    private static void pump(InputStream output, Consumer<String> kept, Consumer<String> outputLine) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            String line;
            boolean listenerBroken = false;
            while ((line = lines.readLine()) != null) {
                kept.accept(line);
                if (!listenerBroken) {
                    try {
                        outputLine.accept(line);
                    } catch (RuntimeException e) {
                        // Keep reading: a stalled pipe would hang the build. The build itself is fine.
                        listenerBroken = true;
                        log.warn("event=build.output-listener-failed error=\"{}\"", e.toString());
                    }
                }
            }
        } catch (IOException e) {
            // The stream was closed under us after the command ended (see drain): nothing more to read.
            log.debug("event=build.output-closed error=\"{}\"", e.toString());
        }
    }

    /** Waits for the last output; a leftover grandchild holding the pipe must not hang the build. */
    private static void drain(Thread reader, Process process) throws InterruptedException {
        if (!reader.join(OUTPUT_DRAIN)) {
            try {
                process.getInputStream().close();
            } catch (IOException e) {
                log.debug("event=build.output-close-failed error=\"{}\"", e.toString());
            }
            reader.join(OUTPUT_DRAIN);
        }
    }

    /** The program's full path on the build's PATH (setpriv needs one), or its bare name. */
    static String find(String program, String searchPath) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toString();
            }
        }
        return program;
    }
}
