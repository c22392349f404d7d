package dev.skep.cli;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * A verb that lists: one row an item in a table, or with {@code --json} the API's document. Each list verb says
 * only what it fetches, its headers and a row.
 */
abstract class ListVerb<T> extends ClientVerb {

    @Option(names = "--json", description = "print one JSON document (the API's fields), no table")
    boolean json;

    abstract List<T> items();

    abstract Table table();

    abstract Object[] row(T item);

    /** What to print instead of an empty table; null prints the headers alone. */
    String empty() {
        return null;
    }

    @Override
    public final Integer call() {
        List<T> items = items();
        if (json) {
            return printJson(items);
        }
        if (items.isEmpty() && empty() != null) {
            out().println(empty());
            return SkepCli.EXIT_OK;
        }
        Table table = table();
        for (T item : items) {
            table.row(row(item));
        }
        table.print(out());
        return SkepCli.EXIT_OK;
    }
}
