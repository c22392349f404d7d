package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input at the API boundary of a real server: each gets a clear 4xx, writes nothing
 * outside the release being built, leaves nothing in the data dir's tmp/ or slugs/, and the
 * running release keeps serving.
 */
class HostileInputEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;
    static int servingPort;
    static Path outside;
    static int tried;
    static int refused;

    @BeforeAll
    static void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of("--max-apps-per-user", "4"), Map.of()).start();
        token = server.token();
        Http.Answer first = Http.send("POST", server.api("/v1/apps/alice/web/releases"), token, "application/gzip",
                Fixtures.tarball("hello"));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        servingPort = first.json().get("instances").get(0).get("port").asInt();
        outside = Path.of("/tmp", "skep-hostile-" + UUID.randomUUID());
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.printf("hostile inputs: %d tried, %d refused with a clear 4xx%n", tried, refused);
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    /** After each case: nothing outside, nothing left behind, the running release still serving. */
    @AfterEach
    void nothingChanged() throws Exception {
        assertThat(outside).doesNotExist();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(list(server.dataDir.resolve("tmp"))).as("data/tmp").isEmpty();
            assertThat(list(server.dataDir.resolve("slugs"))).as("work dirs in data/slugs")
                    .noneMatch(name -> name.startsWith("."));
        });
        JsonNode app = Http.get(server.api("/v1/apps/alice/web"), token).json();
        assertThat(app.get("state").asText()).isEqualTo("running");
        assertThat(Http.plain("http://127.0.0.1:" + servingPort + "/").body())
                .startsWith("hello from alice.web." + app.get("release").asInt() + ".");
        assertThat(Http.get(server.api("/v1/apps"), token).json().findValuesAsText("app"))
                .allMatch(a -> a.equals("alice/web") || a.equals("alice/suid") || a.equals("alice/race"));
    }

    static void refusedWith(Http.Answer answer, int status, String message) throws Exception {
        tried++;
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().get("error").asText()).as(answer.body()).containsIgnoringCase(message);
        refused++;
    }

    static Http.Answer deploy(byte[] tarball) throws Exception {
        return Http.send("POST", server.api("/v1/apps/alice/web/releases"), token, "application/gzip", tarball);
    }

    @Test
    void tarEntriesThatReachOutsideAreRefused() throws Exception {
        String target = outside.resolve("pwned").toString();
        refusedWith(deploy(Tars.app(tar -> Tars.file(tar, "../../../../../../.." + target, "x", 0644))), 400, "unsafe archive");
        refusedWith(deploy(Tars.app(tar -> Tars.file(tar, "lib/../../escape.js", "x", 0644))), 400, "unsafe archive");
        refusedWith(deploy(Tars.app(tar -> Tars.file(tar, target, "x", 0644))), 400, "unsafe archive");
        refusedWith(deploy(Tars.app(tar -> {
            Tars.special(tar, "etc", TarConstants.LF_SYMLINK, "/etc");
            Tars.file(tar, "etc/skep-pwned", "x", 0644);
        })), 400, "unsafe archive");
        refusedWith(deploy(Tars.app(tar -> {
            Tars.special(tar, "out", TarConstants.LF_SYMLINK, "../../../../../../../tmp");
            Tars.file(tar, "out/" + outside.getFileName() + "/pwned", "x", 0644);
        })), 400, "unsafe archive");
        refusedWith(deploy(Tars.app(tar -> Tars.special(tar, "passwd", TarConstants.LF_LINK, "/etc/passwd"))),
                400, "unsafe archive");
        refusedWith(deploy(Tars.app(tar -> Tars.special(tar, "shadow", TarConstants.LF_LINK, "../../../etc/shadow"))),
                400, "unsafe archive");
        assertThat(Path.of("/etc/skep-pwned")).doesNotExist();
    }

    @Test
    void aUserCannotMakeMoreAppsThanTheQuotaByCreateOrDeploy() throws Exception {
        List<String> made = new ArrayList<>();
        try {
            for (int i = 1; i <= 4; i++) {
                Http.Answer created = Http.send("POST", server.api("/v1/apps/mallory/app" + i), token, null, null);
                assertThat(created.status()).as(created.body()).isEqualTo(201);
                made.add("mallory/app" + i);
            }
            refusedWith(Http.send("POST", server.api("/v1/apps/mallory/app5"), token, null, null), 403,
                    "mallory owns 4 apps, the most this server allows one user (--max-apps-per-user 4)");
            refusedWith(Http.send("POST", server.api("/v1/apps/mallory/app6/releases"), token, "application/gzip",
                    Fixtures.tarball("hello")), 403, "mallory owns 4 apps");
            assertThat(Http.get(server.api("/v1/apps/mallory/app6"), token).status()).isEqualTo(404);
            // an app the user has is no new app: its deploys go on
            Http.Answer redeploy = Http.send("POST", server.api("/v1/apps/mallory/app1/releases"), token,
                    "application/gzip", Fixtures.tarball("hello"));
            assertThat(redeploy.status()).as(redeploy.body()).isEqualTo(201);
        } finally {
            for (String app : made) {
                assertThat(Http.send("DELETE", server.api("/v1/apps/" + app), token, null, null).status()).isEqualTo(204);
            }
        }
    }

    @Test
    void devicesAndFifosAreRefused() throws Exception {
        refusedWith(deploy(Tars.app(tar -> Tars.special(tar, "null", TarConstants.LF_CHR, null))), 400, "unsafe archive");
        refusedWith(deploy(Tars.app(tar -> Tars.special(tar, "disk", TarConstants.LF_BLK, null))), 400, "unsafe archive");
        refusedWith(deploy(Tars.app(tar -> Tars.special(tar, "pipe", TarConstants.LF_FIFO, null))), 400, "unsafe archive");
    }

    @Test
    void setuidAndSetgidBitsAreStrippedFromAnOtherwiseGoodUpload() throws Exception {
        tried++;
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/alice/suid/releases"), token, "application/gzip",
                Tars.of(tar -> {
                    Tars.file(tar, "package.json", Tars.PACKAGE_JSON, 06755);
                    Tars.file(tar, "server.js", Tars.SERVER_JS, 04755);
                    Tars.file(tar, "tool", "#!/bin/sh\n", 07777);
                }));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        // the code as the app sees it (an overlay in its own mount namespace when root), reached through /proc
        Path code = Path.of("/proc/" + answer.json().get("instances").get(0).get("pid").asLong() + "/cwd/.");
        for (String f : List.of("package.json", "server.js", "tool")) {
            var mode = (Integer) Files.getAttribute(code.resolve(f), "unix:mode", LinkOption.NOFOLLOW_LINKS);
            assertThat(mode & 07000).as(f + " mode " + Integer.toOctalString(mode)).isZero();
        }
        refused++; // the bits were refused; the app itself is fine
    }

    @Test
    void aMillionTinyEntriesAreStoppedAtTheEntryLimit() throws Exception {
        InputStream million = Tars.streamed(Deflater.BEST_SPEED, tar -> {
            Tars.file(tar, "package.json", Tars.PACKAGE_JSON, 0644);
            for (int i = 0; i < 1_000_000; i++) {
                TarArchiveEntry entry = new TarArchiveEntry("f/" + i, true);
                entry.setSize(0);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
        });
        RawUpload.Result result = RawUpload.send(server.apiPort, "/v1/apps/alice/web/releases", token, -1, million);
        refusedWith(new Http.Answer(result.status(), body(result.response())), 413, "entries");
    }

    @Test
    void aGzipBombIsStoppedByItsRatio() throws Exception {
        InputStream bomb = Tars.streamed(Deflater.BEST_COMPRESSION, tar -> {
            Tars.file(tar, "package.json", Tars.PACKAGE_JSON, 0644);
            TarArchiveEntry entry = new TarArchiveEntry("zeros", true);
            entry.setSize(1L << 30);
            tar.putArchiveEntry(entry);
            byte[] chunk = new byte[1 << 16];
            for (long left = 1L << 30; left > 0; left -= chunk.length) {
                tar.write(chunk);
            }
            tar.closeArchiveEntry();
        });
        RawUpload.Result result = RawUpload.send(server.apiPort, "/v1/apps/alice/web/releases", token, -1, bomb);
        refusedWith(new Http.Answer(result.status(), body(result.response())), 413, "unpack");
    }

    @Test
    void brokenGzipNotGzipAndEmptyBodiesAreRefused() throws Exception {
        byte[] good = Fixtures.tarball("hello");
        refusedWith(deploy(Arrays.copyOf(good, good.length / 2)), 400, "");
        refusedWith(deploy("this is not a tarball at all".getBytes()), 400, "gzip");
        refusedWith(deploy(new byte[0]), 400, "empty");
        refusedWith(Http.send("POST", server.api("/deploy/alice/web"), token, "application/gzip", new byte[0]), 400, "empty");
    }

    @Test
    void anUploadThatStopsHalfwayLeavesNothing() throws Exception {
        byte[] good = Fixtures.tarball("with-deps");
        for (long announced : new long[] {good.length * 4L, -1}) {
            tried++;
            RawUpload.Result result = RawUpload.send(server.apiPort, "/v1/apps/alice/web/releases", token, announced,
                    new RawUpload.Halfway(new ByteArrayInputStream(good, 0, good.length / 2)));
            assertThat(result.sent()).isEqualTo(good.length / 2);
            refused++; // checked by nothingChanged(): no release, no file left, the old one serving
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.output().contains("upload interrupted"));
    }

    @Test
    void aFiveGigabyteStreamIsCutOffWith413AndTheDiskIsCleaned() throws Exception {
        long fiveGb = 5L << 30;
        RawUpload.Result result = RawUpload.send(server.apiPort, "/deploy/alice/web", token, fiveGb,
                RawUpload.endless(fiveGb));
        refusedWith(new Http.Answer(result.status(), body(result.response())), 413, "larger than");
        assertThat(result.sent()).as("bytes sent before the server hung up").isLessThan(1L << 30);
        System.out.printf("5 GB stream: cut off after %d MiB%n", result.sent() >> 20);
    }

    @Test
    void webhooksToThisHostOrTheInternalNetworkAreRefused() throws Exception {
        // issue 10 #6: accepted before, and "alerts test" said per target whether the port answered
        String alerts = "/v1/apps/alice/web/alerts";
        for (String url : List.of("http://127.0.0.1:" + server.apiPort + "/v1/apps",
                "http://2130706433:" + server.routerPort + "/", "http://0177.0.0.1/",
                "http://[::1]:" + server.apiPort + "/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0:2181/",
                "http://localhost:2181/", "http://LOCALHOST./", "http://169.254.169.254/latest/meta-data/",
                "http://[fd00:ec2::254]/", "http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.1.1/",
                "http://100.64.0.1/", "http://[fe80::1]/", "http://224.0.0.1/")) {
            refusedWith(Http.send("PUT", server.api(alerts), token, "application/json",
                    ("{\"webhooks\": [\"" + url + "\"]}").getBytes(StandardCharsets.UTF_8)), 422, "internal address");
        }
        for (String url : List.of("http://127.1:" + server.apiPort + "/", "http://0x7f.0.0.1/")) { // no host to java.net.URI
            refusedWith(Http.send("PUT", server.api(alerts), token, "application/json",
                    ("{\"webhooks\": [\"" + url + "\"]}").getBytes(StandardCharsets.UTF_8)), 400, "invalid webhook URL");
        }
        // a name that resolves to this host is accepted when set, and refused at delivery, after resolution
        String self = InetAddress.getLocalHost().getHostName();
        Assumptions.assumeTrue(InetAddress.getByName(self).isLoopbackAddress(), self + " does not resolve to loopback");
        Http.Answer set = Http.send("PUT", server.api(alerts), token, "application/json",
                ("{\"webhooks\": [\"http://" + self + ":" + server.apiPort + "/v1/apps\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        Http.Answer test = Http.send("POST", server.api(alerts + "/test"), token, null, null);
        assertThat(test.json().get("reactors").get("webhook").asText())
                .isEqualTo("failed: delivery failed for 1 of 1 webhooks");
        assertThat(server.output()).contains("resolves to an internal address (loopback");
        assertThat(Http.send("DELETE", server.api(alerts), token, null, null).status()).isEqualTo(204);
    }

    @Test
    void hostileAppNamesAreRefused() throws Exception {
        byte[] good = Fixtures.tarball("hello");
        for (String name : List.of("..", "..%2F..%2Fetc", "a%2Fb", "Shop", "%D1%95hop", "sh%C3%B6p", "a".repeat(300),
                "-x", "x-", "a%20b", "a.b", "%00x")) {
            tried++;
            // some of these Jetty itself refuses as a bad message, and then hangs up: a fresh connection each
            Http.Answer answer = Http.sendFresh("POST", server.api("/v1/apps/alice/" + name + "/releases"), token,
                    "application/gzip", good);
            assertThat(answer.status()).as(name + ": " + answer.body()).isBetween(400, 404);
            Http.Answer haibu = Http.sendFresh("POST", server.api("/deploy/alice/" + name), token, "application/gzip", good);
            assertThat(haibu.status()).as(name + ": " + haibu.body()).isBetween(400, 404);
            refused++;
        }
        for (String user : List.of("Alice", "%D0%B0lice", "al_ice", "u".repeat(300))) {
            tried++;
            assertThat(Http.sendFresh("POST", server.api("/deploy/" + user + "/web"), token, "application/gzip", good)
                    .status()).as(user).isBetween(400, 404);
            refused++;
        }
    }

    @Test
    void everyJsonEndpointRefusesMalformedJsonWrongTypesAndOversizedBodies() throws Exception {
        List<String[]> endpoints = List.of(new String[] {"PATCH", "/v1/apps/alice/web"},
                new String[] {"PATCH", "/v1/apps/alice/web/env"}, new String[] {"POST", "/v1/apps/alice/web/rollback"},
                new String[] {"POST", "/v1/users"}, new String[] {"POST", "/v1/tokens"},
                new String[] {"POST", "/drones/web/stop"}, new String[] {"POST", "/drones/web/restart"});
        byte[] huge = ("{\"set\": {\"A\": \"" + "x".repeat(2 << 20) + "\"}}").getBytes();
        for (String[] e : endpoints) {
            refusedWith(Http.send(e[0], server.api(e[1]), token, "application/json", "{\"instances\": ".getBytes()),
                    400, "malformed JSON");
            refusedWith(Http.send(e[0], server.api(e[1]), token, "application/json", "[1, 2".getBytes()), 400, "malformed");
            refusedWith(Http.send(e[0], server.api(e[1]), token, "text/plain", "{\"instances\": 1}".getBytes()),
                    400, "content type");
            refusedWith(Http.send(e[0], server.api(e[1]), token, "application/json", huge), 413, "larger than");
        }
        refusedWith(Http.send("PATCH", server.api("/v1/apps/alice/web"), token, "application/json",
                "{\"instances\": \"many\"}".getBytes()), 400, "");
        refusedWith(Http.send("PATCH", server.api("/v1/apps/alice/web"), token, "application/json",
                "{\"instances\": 100000}".getBytes()), 400, "instances");
        refusedWith(Http.send("PATCH", server.api("/v1/apps/alice/web/env"), token, "application/json",
                "{\"set\": {\"PORT\": \"1\"}}".getBytes()), 400, "set by skep");
        refusedWith(Http.send("PATCH", server.api("/v1/apps/alice/web/env"), token, "application/json",
                "{\"set\": {\"A B\": \"1\"}}".getBytes()), 400, "invalid env var name");
        assertThat(Http.get(server.api("/v1/apps/alice/web/env"), token).json().get("env").size()).isZero();
    }

    @Test
    void twoConcurrentDeploysOfOneAppAreSerialisedAndBothAnswered() throws Exception {
        tried++;
        Http.Answer first = Http.send("POST", server.api("/v1/apps/alice/race/releases"), token, "application/gzip",
                Fixtures.tarball("hello"));
        assertThat(first.status()).isEqualTo(201);
        List<CompletableFuture<Http.Answer>> both = new ArrayList<>();
        for (String fixture : List.of("procfile", "with-deps")) {
            byte[] tarball = Fixtures.tarball(fixture);
            both.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.send("POST", server.api("/v1/apps/alice/race/releases"), token, "application/gzip", tarball);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<Integer> releases = new ArrayList<>();
        for (CompletableFuture<Http.Answer> f : both) {
            Http.Answer a = f.get();
            assertThat(a.status()).as(a.body()).isEqualTo(201);
            releases.add(a.json().get("release").asInt());
        }
        assertThat(releases).containsExactlyInAnyOrder(2, 3);
        JsonNode app = Http.get(server.api("/v1/apps/alice/race"), token).json();
        assertThat(app.get("release").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(Http.get(server.api("/v1/apps/alice/race"), token).json().get("instances")
                        .findValuesAsText("release")).containsOnly("3"));
        refused++; // "refused" here: no interleaving, both answered
    }

    private static List<String> list(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static String body(String response) {
        int split = response.indexOf("\r\n\r\n");
        String body = split < 0 ? "" : response.substring(split + 4);
        int brace = body.indexOf('{');
        return brace < 0 ? "{}" : body.substring(brace, body.lastIndexOf('}') + 1);
    }

    @SuppressWarnings("unused")
    private static boolean setuid(Path p) throws Exception {
        return Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
    }
}
