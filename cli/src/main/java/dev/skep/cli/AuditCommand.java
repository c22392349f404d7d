package dev.skep.cli;

import dev.skep.model.view.AuditEntry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** skep audit [-n N] (admin): who changed what, when, from where. */
@Command(name = "audit", description = "Show the audit log (admin only): who changed what, when, from where.")
final class AuditCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Mixin
    ClientOptions options;

    @Option(names = "-n", defaultValue = "50", description = "how many entries, newest last (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--json", description = "print one JSON document (the API's fields), no table")
    boolean json;

    @Override
    public Integer call() {
        if (json) {
            skep.out().println(Views.json(skep.client(options).accounts().audit(Math.max(1, limit))));
            return SkepCli.EXIT_OK;
        }
        Table table = new Table("TIME", "USER", "FROM", "ACTION", "APP", "STATUS", "DETAIL");
        for (AuditEntry e : skep.client(options).accounts().audit(Math.max(1, limit))) {
            table.row(e.time(), e.user(), e.from(), e.action(), e.app(), e.status(),
                    e.detail() == null || e.detail().isEmpty() ? null : e.detail());
        }
        table.print(skep.out());
        return SkepCli.EXIT_OK;
    }
}
