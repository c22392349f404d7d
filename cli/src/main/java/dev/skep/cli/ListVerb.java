package dev.skep.cli;

import java.util.List;
import picocli.CommandLine.Mixin;

/**
 * A verb that lists: one row an item in a table, or with {@code --json} the API's document. Each list verb says
 * only what it fetches, its headers and a row.
 */
abstract class ListVerb<T> extends ClientVerb {

    @Mixin
    JsonDocumentOption format = new JsonDocumentOption();

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
        if (format.json) {
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
