package dev.skep.cli;

import picocli.CommandLine.Option;

/** The --json of the verbs whose document is simply the API's fields (list verbs, ps, whoami): one flag, one help. */
final class JsonDocumentOption {

    @Option(names = "--json", description = "print one JSON document (the API's fields), no table")
    boolean json;
}
