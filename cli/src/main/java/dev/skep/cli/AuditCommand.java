package dev.skep.cli;

import dev.skep.model.view.AuditEntry;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** skep audit [-n N] (admin): who changed what, when, from where. */
@Command(name = "audit", description = "Show the audit log (admin only): who changed what, when, from where.")
final class AuditCommand extends ListVerb<AuditEntry> {

    @Option(names = "-n", defaultValue = "50", description = "how many entries, newest last (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    List<AuditEntry> items() {
        return client().accounts().audit(Math.max(1, limit));
    }

    @Override
    Table table() {
        return new Table("TIME", "USER", "FROM", "ACTION", "APP", "STATUS", "DETAIL");
    }

    @Override
    Object[] row(AuditEntry e) {
        return new Object[] {e.time(), e.user(), e.from(), e.action(), e.app(), e.status(),
            e.detail() == null || e.detail().isEmpty() ? null : e.detail()};
    }
}
