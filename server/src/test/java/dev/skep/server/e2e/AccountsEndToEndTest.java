package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Users and tokens on a real server: who may do what, every refusal a 401/403 that changes nothing, the audit trail. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccountsEndToEndTest {

    static final String CANARY = "canary-secret-5d1e77";

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        admin = server.token();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    static Http.Answer json(String method, String path, String token, String body) throws Exception {
        return Http.send(method, server.api(path), token, body == null ? null : "application/json",
                body == null ? null : body.getBytes());
    }

    static String newUser(String name) throws Exception {
        Http.Answer made = json("POST", "/v1/users", admin, "{\"name\": \"" + name + "\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.json().get("token").asText()).startsWith("skp_").hasSizeGreaterThan(60);
        return made.json().get("token").asText();
    }

    @Test
    @Order(1)
    void aUserManagesOnlyAppsUnderItsOwnNameOnEveryRoute() throws Exception {
        String alice = newUser("alice");
        newUser("bob");
        Http.Answer own = Http.send("POST", server.api("/deploy/alice/hello"), alice, "application/gzip",
                Fixtures.tarball("hello"));
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(Http.send("POST", server.api("/deploy/bob/hello"), admin, "application/gzip",
                Fixtures.tarball("hello")).status()).isEqualTo(200);
        String bobApp = Http.get(server.api("/v1/apps/bob/hello"), admin).body();

        List<Http.Answer> refused = List.of(
                Http.send("POST", server.api("/deploy/bob/hello"), alice, "application/gzip", Fixtures.tarball("hello")),
                Http.send("POST", server.api("/deploy/bob/new"), alice, "application/gzip", Fixtures.tarball("hello")),
                Http.send("POST", server.api("/v1/apps/bob/hello/releases"), alice, "application/gzip",
                        Fixtures.tarball("hello")),
                json("PATCH", "/v1/apps/bob/hello", alice, "{\"instances\": 0}"),
                json("POST", "/v1/apps/bob/hello/stop", alice, null),
                json("POST", "/v1/apps/bob/hello/restart", alice, null),
                json("POST", "/v1/apps/bob/hello/rollback", alice, "{}"),
                json("DELETE", "/v1/apps/bob/hello", alice, null),
                json("GET", "/v1/apps/bob/hello/env", alice, null),
                json("PATCH", "/v1/apps/bob/hello/env", alice, "{\"set\": {\"X\": \"1\"}}"),
                json("GET", "/v1/apps/bob/hello/logs", alice, null),
                json("POST", "/drones/hello/stop", alice, "{\"stop\": {\"user\": \"bob\", \"name\": \"hello\"}}"),
                json("POST", "/drones/hello/clean", alice, "{\"user\": \"bob\", \"name\": \"hello\"}"),
                json("GET", "/v1/users", alice, null),
                json("POST", "/v1/users", alice, "{\"name\": \"eve\", \"admin\": true}"),
                json("DELETE", "/v1/users/bob", alice, null),
                json("GET", "/v1/tokens?user=bob", alice, null),
                json("POST", "/v1/tokens", alice, "{\"user\": \"bob\"}"),
                json("GET", "/v1/audit", alice, null));
        for (Http.Answer answer : refused) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(403);
            assertThat(answer.json().get("error").asText()).isNotBlank();
            assertThat(answer.json().get("detail").asText()).isNotBlank();
        }
        // nothing changed: bob's app is as it was, no app or user appeared
        assertThat(Http.get(server.api("/v1/apps/bob/hello"), admin).json().get("release").asInt()).isEqualTo(1);
        assertThat(Http.get(server.api("/v1/apps/bob/hello"), admin).json().get("running").asBoolean()).isTrue();
        assertThat(Http.get(server.api("/v1/apps/bob/new"), admin).status()).isEqualTo(404);
        assertThat(json("GET", "/v1/users", admin, null).json().findValuesAsText("name"))
                .containsExactlyInAnyOrder("admin", "alice", "bob");
        assertThat(bobApp).contains("\"release\":1");

        // a user sees only its own apps, the haibu way too
        assertThat(json("GET", "/v1/apps", alice, null).json().findValuesAsText("app")).containsExactly("alice/hello");
        assertThat(json("GET", "/drones", alice, null).body()).contains("alice").doesNotContain("bob");
    }

    @Test
    @Order(2)
    void withoutAGoodTokenEveryRouteAnswers401AndChangesNothing() throws Exception {
        String[][] calls = {{"PATCH", "/v1/apps/alice/hello"}, {"DELETE", "/v1/apps/alice/hello"},
            {"POST", "/drones/hello/stop"}, {"GET", "/v1/apps"}, {"POST", "/v1/users"}, {"GET", "/drones"},
            {"GET", "/v1/audit"}, {"GET", "/v1/whoami"}};
        for (String token : new String[] {null, "skp_" + "0".repeat(64)}) {
            // a missing token never counts towards the throttle; bad ones do, so only a few of those
            for (String[] call : token == null ? calls : Arrays.copyOf(calls, 3)) {
                Http.Answer answer = json(call[0], call[1], token, call[0].equals("GET") ? null : "{\"instances\": 0}");
                assertThat(answer.status()).as(call[0] + " " + call[1]).isEqualTo(401);
                assertThat(answer.json().get("error").asText()).startsWith("unauthorized");
            }
        }
        JsonNode app = Http.get(server.api("/v1/apps/alice/hello"), admin).json();
        assertThat(app.get("instancesWanted").asInt()).isEqualTo(1);
        assertThat(app.get("running").asBoolean()).isTrue();
    }

    @Test
    @Order(3)
    void tokensAreListedByIdNeverByValueAndCanBeAddedRevokedAndExpire() throws Exception {
        String carol = newUser("carol");
        JsonNode made = json("POST", "/v1/tokens", carol, "{\"expires\": \"3s\"}").json();
        String shortLived = made.get("token").asText();
        assertThat(made.get("expires").asText()).isNotBlank();
        assertThat(json("GET", "/v1/whoami", shortLived, null).json().get("user").asText()).isEqualTo("carol");

        JsonNode second = json("POST", "/v1/tokens", carol, "{}").json();
        String revocable = second.get("token").asText();
        Http.Answer listed = json("GET", "/v1/tokens", carol, null);
        assertThat(listed.json().findValuesAsText("id")).hasSize(3).contains(made.get("id").asText(), second.get("id").asText());
        assertThat(listed.body()).doesNotContain(carol, shortLived, revocable, "sha256").doesNotContain("skp_");
        assertThat(json("GET", "/v1/users", admin, null).body()).doesNotContain("skp_", "sha256");

        // revoked: refused at once; someone else's token id is not even found
        String adminTokenId = json("GET", "/v1/whoami", admin, null).json().get("tokenId").asText();
        assertThat(json("DELETE", "/v1/tokens/" + adminTokenId, carol, null).status()).isEqualTo(404);
        assertThat(json("DELETE", "/v1/tokens/" + second.get("id").asText(), carol, null).status()).isEqualTo(204);
        assertThat(json("GET", "/v1/whoami", revocable, null).status()).isEqualTo(401);
        assertThat(json("GET", "/v1/whoami", carol, null).status()).isEqualTo(200);

        // expired: refused once its time is up
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .until(() -> json("GET", "/v1/whoami", shortLived, null).status() == 401);
        assertThat(json("GET", "/v1/tokens", carol, null).json().findValuesAsText("id")).hasSize(2);
    }

    @Test
    @Order(4)
    void nothingLocksEveryAdminOutAndAUserWithAppsIsKept() throws Exception {
        assertThat(json("DELETE", "/v1/users/admin", admin, null).status()).isEqualTo(409);
        String adminTokenId = json("GET", "/v1/whoami", admin, null).json().get("tokenId").asText();
        Http.Answer lastToken = json("DELETE", "/v1/tokens/" + adminTokenId, admin, null);
        assertThat(lastToken.status()).isEqualTo(409);
        assertThat(lastToken.json().get("error").asText()).contains("last");
        assertThat(json("GET", "/v1/whoami", admin, null).status()).isEqualTo(200);

        Http.Answer withApps = json("DELETE", "/v1/users/bob", admin, null);
        assertThat(withApps.status()).isEqualTo(409);
        assertThat(withApps.json().get("error").asText()).contains("bob/hello");
        assertThat(json("DELETE", "/v1/apps/bob/hello", admin, null).status()).isEqualTo(204);
        assertThat(json("DELETE", "/v1/users/bob", admin, null).status()).isEqualTo(204);
        assertThat(json("GET", "/v1/users", admin, null).json().findValuesAsText("name")).doesNotContain("bob");
    }

    @Test
    @Order(5)
    void theAuditLogSaysWhoChangedWhatFromWhereAndNeverASecretValue() throws Exception {
        String alice = json("POST", "/v1/tokens", admin, "{\"user\": \"alice\"}").json().get("token").asText();
        Http.Answer env = json("PATCH", "/v1/apps/alice/hello/env", alice,
                "{\"set\": {\"API_KEY\": \"" + CANARY + "\"}}");
        assertThat(env.status()).as(env.body()).isEqualTo(200);
        assertThat(json("GET", "/v1/apps/alice/hello/env", alice, null).body()).contains(CANARY); // owner only
        assertThat(json("PATCH", "/v1/apps/alice/hello", alice, "{\"instances\": 2}").status()).isEqualTo(200);
        assertThat(json("POST", "/v1/apps/alice/hello/rollback", alice, "{}").status()).isEqualTo(200);

        JsonNode entries = json("GET", "/v1/audit?limit=1000", admin, null).json();
        assertThat(entries.findValuesAsText("action")).contains("deploy", "user.add", "token.add", "token.revoke",
                "app.delete", "user.remove", "env.change", "app.scale", "app.rollback");
        JsonNode envEntry = find(entries, "env.change");
        assertThat(envEntry.get("user").asText()).isEqualTo("alice");
        assertThat(envEntry.get("app").asText()).isEqualTo("alice/hello");
        assertThat(envEntry.get("from").asText()).isEqualTo("127.0.0.1");
        assertThat(envEntry.get("status").asInt()).isEqualTo(200);
        assertThat(envEntry.get("detail").get("set").toString()).contains("API_KEY");
        assertThat(find(entries, "app.scale").get("detail").get("formation").get("web").asInt()).isEqualTo(2);
        assertThat(find(entries, "deploy").get("detail").get("sha256").asText()).hasSize(64);
        assertThat(entries.toString()).doesNotContain(CANARY).doesNotContain("skp_");
        // on disk, in the log and in every answer: never the value
        try (Stream<Path> files = Files.list(server.dataDir.resolve("audit"))) {
            for (Path f : files.toList()) {
                assertThat(Files.readString(f)).doesNotContain(CANARY);
            }
        }
        assertThat(server.output()).doesNotContain(CANARY);
        assertThat(json("GET", "/v1/apps/alice/hello", alice, null).body()).doesNotContain(CANARY);
        // the rollback went back to release 1 and its config vars, as Heroku's does: the key is gone from the env
        assertThat(json("GET", "/v1/apps/alice/hello/env", alice, null).body()).doesNotContain(CANARY);
    }

    @Test
    @Order(6)
    void theCliManagesUsersAndTokens() throws Exception {
        Map<String, String> env = Map.of("SKEP_SERVER", "http://127.0.0.1:" + server.apiPort, "SKEP_TOKEN", admin);
        String added = cli(env, 0, "users", "add", "dora", "--expires", "30d");
        assertThat(added).contains("user dora created", "skp_", "expires");
        String dora = added.lines().filter(l -> l.trim().startsWith("skp_")).findFirst().orElseThrow().trim();
        assertThat(cli(env, 0, "users", "ls")).contains("dora", "admin", "alice");
        Map<String, String> asDora = Map.of("SKEP_SERVER", env.get("SKEP_SERVER"), "SKEP_TOKEN", dora);
        String made = cli(asDora, 0, "tokens", "add", "--expires", "1d");
        String id = made.lines().findFirst().orElseThrow().split(" ")[1];
        String listed = cli(asDora, 0, "tokens", "ls");
        assertThat(listed).contains(id, "dora").doesNotContain("skp_");
        assertThat(cli(asDora, 1, "users", "ls")).containsIgnoringCase("admin only");
        assertThat(cli(asDora, 0, "tokens", "revoke", id)).contains("revoked");
        assertThat(cli(asDora, 0, "tokens", "ls")).doesNotContain(id);
        assertThat(cli(env, 0, "audit", "-n", "5")).contains("token.revoke", "dora");
        assertThat(cli(env, 0, "users", "rm", "dora")).contains("deleted");
        assertThat(json("GET", "/v1/whoami", dora, null).status()).isEqualTo(401);
    }

    @Test
    @Order(7)
    void repeatedBadTokensFromOneAddressAreSlowedDownWith429ButNeverAGoodToken() throws Exception {
        int refused401 = 0;
        Http.Answer last = null;
        for (int i = 0; i < 8; i++) {
            last = json("GET", "/v1/whoami", "skp_guess" + i, null);
            if (last.status() == 401) {
                refused401++;
            } else {
                break;
            }
        }
        // earlier tests' bad tokens from this address count too (a good token no longer clears them)
        assertThat(refused401).isLessThanOrEqualTo(7);
        assertThat(last.status()).isEqualTo(429);
        // blocked is for bad tokens only: the admin's good token from the same address still gets in (an app on
        // this host must not be able to lock the admin out), while the next guess waits as Retry-After says
        HttpResponse<String> blocked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.apiPort + "/v1/whoami"))
                .header("Authorization", "Bearer skp_one_more_guess").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(blocked.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 10L);
        assertThat(json("GET", "/v1/whoami", admin, null).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(retryAfter + 5)).pollInterval(Duration.ofMillis(250))
                .until(() -> json("GET", "/v1/whoami", "skp_one_more_guess", null).status() == 401);
        assertThat(json("GET", "/v1/whoami", admin, null).status()).isEqualTo(200);
    }

    private static JsonNode find(JsonNode entries, String action) {
        for (JsonNode e : entries) {
            if (e.get("action").asText().equals(action)) {
                return e;
            }
        }
        throw new AssertionError("no " + action + " in " + entries);
    }

    private static String cli(Map<String, String> env, int exit, String... args) {
        return CliRun.of(env, dir, args).expect(exit).all();
    }
}
