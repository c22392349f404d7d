package dev.skep.server;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/** `skep server`'s config as its flags make it, for the tests of where each flag goes. */
final class ServerFlags {

    private ServerFlags() {
    }

    /** With {@code --data-dir dir}, agent id a1 unless the flags name one, and no PATH. */
    static ServerConfig config(Path dir, String... args) throws Exception {
        List<String> given = Arrays.asList(args);
        Stream<String> id = given.contains("--agent-id") ? Stream.of() : Stream.of("--agent-id", "a1");
        String[] all = Stream.of(Stream.of("--data-dir", dir.toString()), id, given.stream()).flatMap(s -> s)
                .toArray(String[]::new);
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(all);
        return command.config(Map.of());
    }
}
