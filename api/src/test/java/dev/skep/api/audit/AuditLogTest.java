package dev.skep.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.view.AuditEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir
    Path dir;

    private static AuditEntry entry(int n) {
        return new AuditEntry(Instant.parse("2026-11-26T00:00:00Z").plusSeconds(n), "alice", "127.0.0.1",
                "app.scale", "alice/shop", 200, Map.of("instances", n));
    }

    @Test
    void writesOneJsonLinePerChangeAndReadsTheNewestBack() throws IOException {
        AuditLog log = new AuditLog(dir.resolve("audit"), 1 << 20, 2);
        for (int i = 0; i < 5; i++) {
            log.write(entry(i));
        }
        List<String> lines = Files.readAllLines(dir.resolve("audit/audit.log"));
        assertThat(lines).hasSize(5).allMatch(l -> l.startsWith("{") && l.contains("\"action\":\"app.scale\""));
        assertThat(log.newest(2)).extracting(e -> e.detail().get("instances")).containsExactly(3, 4);
    }

    @Test
    void staysBoundedByRotatingAndKeepsOnlyItsOwnFiles() throws IOException {
        AuditLog log = new AuditLog(dir.resolve("audit"), 2048, 2);
        for (int i = 0; i < 500; i++) {
            log.write(entry(i));
        }
        try (Stream<Path> files = Files.list(dir.resolve("audit"))) {
            List<Path> all = files.toList();
            assertThat(all).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder("audit.log", "audit.log.1", "audit.log.2");
            for (Path f : all) {
                assertThat(Files.size(f)).isLessThanOrEqualTo(2048);
            }
        }
        List<AuditEntry> newest = log.newest(10_000);
        assertThat(newest).isNotEmpty().hasSizeLessThan(500);
        assertThat(newest.get(newest.size() - 1).detail().get("instances")).isEqualTo(499);
    }

    @Test
    void onlySkepMayReadIt() throws IOException {
        AuditLog log = AuditLog.in(dir.resolve("audit"));
        log.write(entry(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("audit")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("audit/audit.log"))))
                .isEqualTo("rw-------");
    }
}
