package dev.skep.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every client verb takes: help, and where and as whom to connect. They are also
 * options of {@code skep} itself, so {@code skep --server URL ps} and {@code skep ps --server URL}
 * both work; the verb's value wins. They are mixed into the client verbs rather than inherited by
 * every subcommand, so the server's own verbs ({@code skep server ...}) stay free of them.
 */
final class ClientOptions {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();
}
