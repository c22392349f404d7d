package dev.skep.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DATA/hosts/ID.json: written with skep's JSON configuration, read back whole, and found by any of its names. */
class HostRecordTest {

    @TempDir
    Path data;

    private static HostRecord record(String id) {
        return new HostRecord(id, "ssh://root@10.0.0.5:2222", "agent", "/opt/skep", "10.0.0.5", "detached", "dev",
                "ready", Instant.parse("2026-12-06T21:00:00Z"), null, "/root/.ssh/known_hosts", null, false, null);
    }

    @Test
    void savedAsIsoJsonWithoutNullsAndReadBackWhole() throws Exception {
        HostRecord saved = record("10-0-0-5");
        saved.save(data);
        String json = Files.readString(data.resolve("hosts/10-0-0-5.json"));
        assertThat(json).contains("\"added\" : \"2026-12-06T21:00:00Z\"").doesNotContain("identity")
                .doesNotContain("appPorts");
        assertThat(HostRecord.all(data)).containsExactly(saved);
    }

    @Test
    void theCloudServerItWasCreatedOnIsKept() throws Exception {
        HostRecord base = record("10-0-0-5");
        HostRecord created = new HostRecord(base.id(), base.target(), base.role(), base.dir(), base.advertise(),
                base.service(), base.version(), base.state(), base.added(), base.identity(), base.knownHosts(),
                base.appPorts(), true, new HostRecord.Cloud("digitalocean", "42", "skep-agent-x", null, "/root/do-token"));
        created.save(data);
        assertThat(HostRecord.all(data)).containsExactly(created);
        assertThat(Files.readString(data.resolve("hosts/10-0-0-5.json"))).contains("\"tokenFile\" : \"/root/do-token\"")
                .doesNotContain("apiUrl");
        assertThat(created.withState("installing").cloud()).isEqualTo(created.cloud());
    }

    @Test
    void aFieldANewerSkepWroteIsIgnored() throws Exception {
        record("10-0-0-5").save(data);
        Path file = data.resolve("hosts/10-0-0-5.json");
        Files.writeString(file, Files.readString(file).replaceFirst("\\{", "{ \"fromTheFuture\" : 1,"));
        assertThat(HostRecord.all(data)).containsExactly(record("10-0-0-5"));
    }

    @Test
    void foundByIdTargetHostOrAddress() throws Exception {
        record("10-0-0-5").save(data);
        for (String name : new String[] {"10-0-0-5", "ssh://root@10.0.0.5:2222", "10.0.0.5"}) {
            assertThat(HostRecord.find(data, name)).as(name).map(HostRecord::id).contains("10-0-0-5");
        }
        assertThat(HostRecord.find(data, "10.0.0.6")).isEmpty();
    }
}
