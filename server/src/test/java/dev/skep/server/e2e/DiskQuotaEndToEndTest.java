package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.DataDirs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-app disk quota as root, for real: the fills-disk fixture writes past --app-disk into its volume and
 * into its own writable copy and the kernel answers ENOSPC (the fixture says so over HTTP), app.disk-full is
 * an event, another app and skep keep serving, the volume's data survives a redeploy and a restart of skep
 * (the image mounted again), and deleting the app leaves no mount and no image.
 */
class DiskQuotaEndToEndTest {

    static final List<String> ARGS = List.of("--probation", "0", "--app-disk", "48m");

    @TempDir
    Path dir;

    SkepServerProcess server;
    String token;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private JsonNode deploy(String app, byte[] tarball) throws Exception {
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token, "application/gzip",
                tarball);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json();
    }

    private List<JsonNode> instances(String app) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Http.get(server.api("/v1/apps/" + app), token).json().get("instances").forEach(out::add);
        return out;
    }

    private JsonNode awaitOnlyReady(String app, Set<String> notThese) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<JsonNode> now = instances(app);
            assertThat(now).hasSize(1);
            assertThat(now.get(0).get("state").asText()).isEqualTo("ready");
            assertThat(notThese).doesNotContain(now.get(0).get("instance").asText());
        });
        try {
            return instances(app).get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode call(JsonNode instance, String method, String path, String body) throws Exception {
        Http.Answer answer = Http.sendFresh(method, URI.create("http://127.0.0.1:" + instance.get("port").asInt()
                + path), null, "text/plain", body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static boolean mounted(Path mountPoint) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(l -> l.split(" ")[4].equals(mountPoint.toString()));
    }

    @Test
    void anAppIsHeldToItsQuotaAndItsDiskOutlivesRedeploysAndRestartsUntilTheAppIsDeleted() throws Exception {
        Assumptions.assumeTrue(DataDirs.runningAsRoot(), "the kernel holds the quota only when skep is root");
        server = new SkepServerProcess(dir.resolve("data"), ARGS, Map.of()).start();
        token = server.token();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.output().contains("event=disk.quota"));
        Assumptions.assumeTrue(server.output().contains("mode=loop"), "no loop mounts here: " + server.output());

        String app = "alice/filler";
        deploy(app, Fixtures.tarball("fills-disk"));
        deploy("bob/hello", Fixtures.tarball("hello"));
        JsonNode first = awaitOnlyReady(app, Set.of());
        Http.Answer added = Http.send("POST", server.api("/v1/apps/" + app + "/volumes"), token, "application/json",
                "{\"path\": \"data\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        JsonNode filler = awaitOnlyReady(app, Set.of(first.get("instance").asText()));
        call(filler, "POST", "/", "kept");

        Path disks = server.dataDir.resolve("agent/disks");
        Path mountPoint = disks.resolve("alice.filler");
        assertThat(mounted(mountPoint)).isTrue();
        assertThat(disks.resolve("alice.filler.img")).exists();
        assertThat(mountPoint.resolve("volumes/data/notes.txt")).hasContent("kept");

        // the writable copy is on the app's disk too: a write past the quota there fails, then is deleted
        JsonNode inCopy = call(filler, "POST", "/fill?mb=80&in=copy", null);
        assertThat(inCopy.get("code").asText()).as(inCopy.toString()).isEqualTo("ENOSPC");
        assertThat(inCopy.get("written").asInt()).isLessThan(48);
        call(filler, "POST", "/free?in=copy", null);
        JsonNode inVolume = call(filler, "POST", "/fill?mb=80&in=data", null);
        assertThat(inVolume.get("code").asText()).as(inVolume.toString()).isEqualTo("ENOSPC");

        // the agent says so, once, with used and limit
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            JsonNode events = Http.get(server.api("/v1/events?app=" + app + "&type=app.disk-full"), token).json();
            assertThat(events.toString()).contains("app.disk-full").contains("used").contains("limit");
        });
        assertThat(server.output()).contains("event=app.disk-full");

        // other apps and skep keep working
        JsonNode hello = instances("bob/hello").get(0);
        assertThat(Http.plain("http://127.0.0.1:" + hello.get("port").asInt() + "/").status()).isEqualTo(200);
        JsonNode volumes = Http.get(server.api("/v1/apps/" + app + "/volumes"), token).json();
        assertThat(volumes.get("disk").get("mode").asText()).isEqualTo("loop");
        assertThat(volumes.get("disk").get("quota").asLong()).isEqualTo(48L << 20);
        assertThat(volumes.get("disk").get("used").asLong()).isGreaterThan(36L << 20); // ext4 keeps some for itself
        CliRun listed = CliRun.against(server, Files.createDirectories(dir.resolve("home")), "volumes", app).expect(0);
        assertThat(listed.out()).contains("disk: ").contains("48.0 MB").contains("enforced");
        call(filler, "POST", "/free?in=data", null);

        // a redeploy keeps the data
        deploy(app, Fixtures.tarball("fills-disk"));
        filler = awaitOnlyReady(app, Set.of(filler.get("instance").asText()));
        assertThat(call(filler, "GET", "/", null).get("notes").asText()).isEqualTo("kept\n");

        // so does a restart of skep: a clean stop unmounts, the first launch mounts it again
        assertThat(server.stop()).isZero();
        assertThat(mounted(mountPoint)).isFalse();
        server = new SkepServerProcess(server.dataDir, ARGS, Map.of(), server.apiPort, server.routerPort,
                server.firstAppPort).start();
        filler = awaitOnlyReady(app, Set.of());
        assertThat(mounted(mountPoint)).isTrue();
        assertThat(call(filler, "GET", "/", null).get("notes").asText()).isEqualTo("kept\n");

        // deleting the app deletes its disk
        Http.Answer deleted = Http.send("DELETE", server.api("/v1/apps/" + app), token, null, null);
        assertThat(deleted.status()).as(deleted.body()).isIn(200, 204);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(mounted(mountPoint)).isFalse();
            assertThat(disks.resolve("alice.filler.img")).doesNotExist();
            assertThat(mountPoint).doesNotExist();
        });
        assertThat(Http.plain("http://127.0.0.1:" + instances("bob/hello").get(0).get("port").asInt() + "/").status())
                .isEqualTo(200);
        assertThat(Files.list(disks).map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
                .doesNotContain("alice.filler", "alice.filler.img");
    }
}
