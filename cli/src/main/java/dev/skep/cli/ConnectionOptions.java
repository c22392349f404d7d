package dev.skep.cli;

import picocli.CommandLine.Option;

/**
 * Where and as whom to connect: options of {@code skep} itself and of every client verb (through
 * {@link ClientOptions}), so {@code skep --server URL ps} and {@code skep ps --server URL} both work.
 */
final class ConnectionOptions {

    @Option(names = "--server", paramLabel = "URL", description = SkepCli.SERVER_HELP)
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", description = SkepCli.TOKEN_HELP)
    String token;

    @Option(names = "--ca-file", paramLabel = "PEM", description = SkepCli.CA_HELP)
    String caFile;
}
