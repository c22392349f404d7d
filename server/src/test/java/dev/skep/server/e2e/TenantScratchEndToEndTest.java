package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.DataDirs;
import dev.skep.model.fs.RecursiveDelete;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 #10 against a real root `skep server`: one tenant's app cannot read another's files in /tmp,
 * /var/tmp or /dev/shm, see its processes' command lines, or read which apps and uids the host has.
 * The data dir is outside /tmp, as on a real host (a data dir under /tmp keeps /tmp shared).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TenantScratchEndToEndTest {

    Path data;
    SkepServerProcess server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (data != null) {
            RecursiveDelete.delete(data.getParent());
        }
    }

    @Test
    void anAppReadsNeitherAnotherAppsScratchFilesNorItsCommandLineNorTheUidList() throws Exception {
        Assumptions.assumeTrue(DataDirs.runningAsRoot(), "a uid and a mount namespace per app need root");
        data = Fixtures.scratchOutsideTmp("skep-e2e-scratch").resolve("data");
        server = new SkepServerProcess(data, List.of(), Map.of()).start();
        JsonNode alice = deploy("alice/one");
        JsonNode mallory = deploy("mallory/two");

        List<String> scratch = List.of("/tmp/alice-secret", "/var/tmp/alice-secret", "/dev/shm/alice-secret");
        JsonNode wrote = probe(alice, "write", scratch);
        JsonNode readOwn = probe(alice, "read", scratch);
        for (String p : scratch) {
            assertThat(wrote.get("write").get(p).asText()).as("alice writes " + p).isEqualTo("ok written");
            assertThat(readOwn.get("read").get(p).asText()).as("alice reads her " + p).startsWith("ok");
        }

        String aliceCmdline = "/proc/" + alice.get("pid").asLong() + "/cmdline";
        String uids = data.resolve("agent/uids.json").toString();
        JsonNode reads = probe(mallory, "read", List.of(scratch.get(0), scratch.get(1), scratch.get(2), aliceCmdline,
                uids));
        for (String p : List.of(scratch.get(0), scratch.get(1), scratch.get(2), aliceCmdline)) {
            assertThat(reads.get("read").get(p).asText()).as("mallory reads " + p).isEqualTo("ENOENT");
        }
        assertThat(reads.get("read").get(uids).asText()).as("mallory reads " + uids).isEqualTo("EACCES");
        assertThat(Path.of(aliceCmdline)).as("the host still sees alice's process").exists();
    }

    private JsonNode deploy(String app) throws Exception {
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/" + app + "/releases"), server.token(),
                "application/gzip", Fixtures.tarball("hostile"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("instances").get(0);
    }

    private static JsonNode probe(JsonNode instance, String what, List<String> paths) throws Exception {
        StringBuilder query = new StringBuilder("/probe?");
        paths.forEach(p -> query.append(what).append('=').append(URLEncoder.encode(p, StandardCharsets.UTF_8)).append('&'));
        return Http.JSON.readTree(Http.plain("http://127.0.0.1:" + instance.get("port").asInt() + query).body());
    }
}
