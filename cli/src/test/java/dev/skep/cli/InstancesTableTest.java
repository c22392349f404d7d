package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.view.InstanceView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `skep ps APP`'s instance rows: UPTIME is only for a ready instance (its since is when it entered its state). */
class InstancesTableTest {

    @Test
    void onlyAReadyInstanceShowsAnUptime() {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        List<InstanceView> instances = List.of(
                new InstanceView("alice.shop.4.a1", 4, "127.0.0.1", 40001, 4242, "ready", now.minusSeconds(3600), 0,
                        null, null, null),
                new InstanceView("alice.shop.3.b2", 3, "127.0.0.1", 40002, 4141, "stopping", now, 0, null, null,
                        null));
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            Views.printInstances(out, instances, now);
        }
        assertThat(text.toString()).isEqualTo("""
                PROCESS  INSTANCE         RELEASE  STATE     HOST:PORT        PID   UPTIME  RESTARTS  MEMORY  CPU  LAST EXIT
                web      alice.shop.4.a1  v4       ready     127.0.0.1:40001  4242  1h 0m   0         -       -    -
                web      alice.shop.3.b2  v3       stopping  127.0.0.1:40002  4141  -       0         -       -    -
                """);
    }
}
