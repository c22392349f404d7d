package dev.skep.cli;

import picocli.CommandLine.Option;

/** -h/--help for every verb (the top command has -V/--version too). */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;
}
