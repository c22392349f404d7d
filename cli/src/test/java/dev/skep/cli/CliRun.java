package dev.skep.cli;

import dev.skep.client.FakeSkep;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/** Runs the skep command in-process against a fake server, capturing what it prints. */
final class CliRun {

    static final Instant NOW = Instant.parse("2026-11-26T02:00:00Z");

    /** What one run printed and returned. */
    record Result(int exit, String out, String err) {
    }

    private final Map<String, String> env = new HashMap<>();
    private final Path home;
    private String stdin = "";

    CliRun(FakeSkep fake, Path home) {
        this.home = home;
        env.put("SKEP_SERVER", fake.uri().toString());
        env.put("SKEP_TOKEN", FakeSkep.TOKEN);
    }

    CliRun env(String key, String value) {
        if (value == null) {
            env.remove(key);
        } else {
            env.put(key, value);
        }
        return this;
    }

    /** What the next runs read on standard input. */
    CliRun stdin(String text) {
        this.stdin = text;
        return this;
    }

    Result run(String... args) {
        CommandLine commandLine = SkepCli.commandLine(env, home, Clock.fixed(NOW, ZoneOffset.UTC), false);
        ((SkepCli) commandLine.getCommand()).stdin(new ByteArrayInputStream(
                stdin.getBytes(StandardCharsets.UTF_8)));
        return run(commandLine, args);
    }

    static Result run(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
