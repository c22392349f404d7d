package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.DataDirs;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes and the immutable slug, end to end with the notes fixture (appends to data/notes.txt on
 * POST, answers it on GET): a volume's data survives a redeploy with new content, a rollback, a
 * restart of the app and one of skep; without a volume every instance writes into a copy of its own
 * that no other instance and no later release sees; bad paths are 422.
 */
class VolumesEndToEndTest {

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

    private void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of("--probation", "0"), Map.of()).start();
        token = server.token();
    }

    /** The notes fixture with version.txt saying {@code version}: new content, a new slug. */
    private byte[] notes(String version) throws Exception {
        Path copy = dir.resolve("notes-" + version);
        if (!Files.exists(copy)) {
            new ProcessBuilder("cp", "-r", Fixtures.app("notes").toString(), copy.toString()).inheritIO().start().waitFor();
            Files.writeString(copy.resolve("version.txt"), version);
        }
        return Fixtures.tarball(copy);
    }

    private JsonNode deploy(String app, byte[] tarball) throws Exception {
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token, "application/gzip",
                tarball);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json();
    }

    private JsonNode view(String app) throws Exception {
        return Http.get(server.api("/v1/apps/" + app), token).json();
    }

    private List<JsonNode> instances(String app) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        view(app).get("instances").forEach(out::add);
        return out;
    }

    private Set<String> ids(String app) throws Exception {
        return instances(app).stream().map(i -> i.get("instance").asText()).collect(Collectors.toSet());
    }

    /** Waits until {@code n} instances serve, none of them one of {@code old}; returns them. */
    private List<JsonNode> awaitReplaced(String app, Set<String> old, int n) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<JsonNode> now = instances(app);
            assertThat(now).hasSize(n);
            assertThat(now).allSatisfy(i -> {
                assertThat(old).doesNotContain(i.get("instance").asText());
                assertThat(i.get("state").asText()).isEqualTo("ready");
            });
        });
        try {
            return instances(app);
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

    private JsonNode only(String app) throws Exception {
        List<JsonNode> all = instances(app);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void aVolumeKeepsItsDataThroughRedeploysRollbacksAndRestartsOfTheAppAndOfSkep() throws Exception {
        start();
        String app = "alice/notes";
        deploy(app, notes("1"));
        JsonNode first = only(app);
        call(first, "POST", "/", "before the volume");
        assertThat(call(first, "GET", "/", null).get("notes").asText()).isEqualTo("before the volume\n");

        Http.Answer added = Http.send("POST", server.api("/v1/apps/" + app + "/volumes"), token, "application/json",
                "{\"path\": \"data\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().get("volumes").get(0).get("path").asText()).isEqualTo("data");
        JsonNode mounted = awaitReplaced(app, Set.of(first.get("instance").asText()), 1).get(0);
        JsonNode fresh = call(mounted, "GET", "/", null);
        assertThat(fresh.get("seed").asText()).as("the upload's data/ seeds the new volume").isEqualTo("seeded by the upload\n");
        assertThat(fresh.get("notes").isNull()).as("what the old instance wrote in its copy is gone: " + fresh).isTrue();
        call(mounted, "POST", "/", "one");

        Set<String> beforeV2 = ids(app);
        deploy(app, notes("2"));
        JsonNode v2 = call(awaitReplaced(app, beforeV2, 1).get(0), "GET", "/", null);
        assertThat(v2.get("version").asText()).isEqualTo("2");
        assertThat(v2.get("notes").asText()).isEqualTo("one\n");

        Set<String> before = ids(app);
        Http.Answer rolledBack = Http.send("POST", server.api("/v1/apps/" + app + "/rollback"), token,
                "application/json", "{\"release\": 1}".getBytes(StandardCharsets.UTF_8));
        assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(200);
        JsonNode back = awaitReplaced(app, before, 1).get(0);
        JsonNode v1 = call(back, "GET", "/", null);
        assertThat(v1.get("version").asText()).isEqualTo("1");
        assertThat(v1.get("notes").asText()).isEqualTo("one\n");
        call(back, "POST", "/", "two");

        before = ids(app);
        Http.send("POST", server.api("/v1/apps/" + app + "/restart"), token, null, null);
        JsonNode restarted = awaitReplaced(app, before, 1).get(0);
        assertThat(call(restarted, "GET", "/", null).get("notes").asText()).isEqualTo("one\ntwo\n");

        assertThat(server.stop()).isZero();
        server = new SkepServerProcess(server.dataDir, List.of("--probation", "0"), Map.of(), server.apiPort,
                server.routerPort, server.firstAppPort).start();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(only(app).get("state").asText()).isEqualTo("ready"));
        assertThat(call(only(app), "GET", "/", null).get("notes").asText()).isEqualTo("one\ntwo\n");

        JsonNode listed = Http.get(server.api("/v1/apps/" + app + "/volumes"), token).json();
        assertThat(listed.get("volumes").get(0).get("bytes").asLong()).isEqualTo("seeded by the upload\none\ntwo\n".length());
        assertThat(view(app).get("volumesAgent").asText()).isEqualTo(listed.get("agent").asText()).isNotBlank();

        var export = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.api("/v1/apps/" + app + "/volumes/data/export")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("gzip"));
        Map<String, String> files = untar(export.body());
        assertThat(files).containsEntry("notes.txt", "one\ntwo\n").containsEntry("seed.txt", "seeded by the upload\n");

        if (DataDirs.runningAsRoot()) {
            Path volume = Fixtures.volume(server.dataDir, "alice.notes", "data");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(volume))).isEqualTo("rwx------");
            assertThat((Integer) Files.getAttribute(volume, "unix:uid")).isGreaterThanOrEqualTo(100_000);
        }
    }

    @Test
    void eachInstanceWritesIntoACopyOfItsOwnThatNoOtherInstanceNorALaterReleaseSees() throws Exception {
        start();
        String app = "alice/scratch";
        byte[] tarball = notes("same");
        deploy(app, tarball);
        Http.send("PATCH", server.api("/v1/apps/" + app), token, "application/json",
                "{\"instances\": 2}".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(instances(app))
                .hasSize(2).allSatisfy(i -> assertThat(i.get("state").asText()).isEqualTo("ready")));
        List<JsonNode> two = instances(app);
        JsonNode a = two.get(0);
        JsonNode b = two.get(1);

        call(a, "POST", "/", "only a");
        JsonNode wroteSlug = call(a, "POST", "/slug", null);
        assertThat(wroteSlug.get("written").asText()).isEqualTo(a.get("instance").asText());
        assertThat(wroteSlug.get("serverChanged").asBoolean()).isTrue();
        JsonNode fromB = call(b, "GET", "/", null);
        assertThat(fromB.get("scratch").isNull()).as(fromB.toString()).isTrue();
        assertThat(fromB.get("notes").isNull()).as(fromB.toString()).isTrue();
        assertThat(fromB.get("written").isNull()).as(fromB.toString()).isTrue();
        assertThat(fromB.get("serverChanged").asBoolean()).isFalse();

        Path slugDir;
        try (var slugs = Files.list(server.dataDir.resolve("slugs"))) {
            slugDir = slugs.filter(p -> p.getFileName().toString().startsWith("alice.scratch.")).findFirst().orElseThrow();
        }
        assertThat(slugDir.resolve("written-by-app.txt")).doesNotExist();
        assertThat(Files.readString(slugDir.resolve("server.js"))).doesNotContain("modified-by-instance");
        if (DataDirs.runningAsRoot()) {
            assertThat((Integer) Files.getAttribute(slugDir, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                    .as("the slug is root's: no app reaches it but through its copy").isZero();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(slugDir))).isEqualTo("rwx------");
        }

        Set<String> before = ids(app);
        deploy(app, tarball);
        for (JsonNode i : awaitReplaced(app, before, 2)) {
            JsonNode answer = call(i, "GET", "/", null);
            assertThat(answer.get("written").isNull()).as(answer.toString()).isTrue();
            assertThat(answer.get("scratch").isNull()).as(answer.toString()).isTrue();
            assertThat(answer.get("serverChanged").asBoolean()).isFalse();
        }
    }

    @Test
    void badVolumePathsAre422WithTheReason() throws Exception {
        start();
        String app = "alice/paths";
        Path linked = dir.resolve("linked");
        new ProcessBuilder("cp", "-r", Fixtures.app("notes").toString(), linked.toString()).inheritIO().start().waitFor();
        Files.createSymbolicLink(linked.resolve("elsewhere"), Path.of("data"));
        Files.writeString(linked.resolve("afile"), "x");
        deploy(app, Fixtures.tarball(linked));

        Map<String, String> refused = new HashMap<>();
        refused.put("../up", "'..'");
        refused.put("/etc", "absolute");
        refused.put("", "required");
        refused.put("node_modules", "node_modules");
        refused.put("elsewhere", "symbolic link");
        refused.put("afile", "is a file");
        for (var e : refused.entrySet()) {
            Http.Answer answer = Http.send("POST", server.api("/v1/apps/" + app + "/volumes"), token, "application/json",
                    Http.JSON.writeValueAsBytes(Map.of("path", e.getKey())));
            assertThat(answer.status()).as(e.getKey() + ": " + answer.body()).isEqualTo(422);
            assertThat(answer.json().get("error").asText()).as(e.getKey()).contains(e.getValue());
        }
        for (int i = 0; i < 8; i++) {
            Http.Answer ok = Http.send("POST", server.api("/v1/apps/" + app + "/volumes"), token, "application/json",
                    Http.JSON.writeValueAsBytes(Map.of("path", "v" + i)));
            assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        }
        Http.Answer ninth = Http.send("POST", server.api("/v1/apps/" + app + "/volumes"), token, "application/json",
                Http.JSON.writeValueAsBytes(Map.of("path", "v8")));
        assertThat(ninth.status()).isEqualTo(422);
        assertThat(ninth.json().get("error").asText()).contains("8 volumes already");
        assertThat(Http.send("DELETE", server.api("/v1/apps/" + app + "/volumes/nope"), token, null, null).status())
                .isEqualTo(404);
        assertThat(Http.send("DELETE", server.api("/v1/apps/" + app + "/volumes/v0"), token, null, null).status())
                .isEqualTo(200);
    }

    private static Map<String, String> untar(byte[] gz) throws Exception {
        Map<String, String> files = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(gz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile()) {
                    files.put(entry.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }
}
