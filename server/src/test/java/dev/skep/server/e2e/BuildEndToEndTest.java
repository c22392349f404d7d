package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real TypeScript app, built as Heroku builds it (npm ci with devDependencies, tsc, prune) by a
 * real `skep server` against the real registry: its start file exists only after the build, a
 * code-only redeploy is quick and serves the new code, and a failing build changes nothing; and a yarn 4
 * Plug'n'Play app, which has no node_modules, runs.
 */
class BuildEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        token = server.token();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    @Test
    void aTypeScriptAppIsBuiltByTscAndACodeOnlyRedeployIsFastAndServesTheNewCode() throws Exception {
        long firstStarted = System.nanoTime();
        List<JsonNode> first = deployStreamed("ts/web", Fixtures.tarball("typescript"));
        Duration firstTook = since(firstStarted);

        JsonNode done = last(first);
        assertThat(done.get("stage").asText()).as(first.toString()).isEqualTo("done");
        assertThat(done.get("result").get("command").toString()).contains("node", "dist/server.js");
        assertThat(messages(first)).contains("$ npm ci --include=dev --no-audit --no-fund", "$ npm run build",
                "$ npm prune --omit=dev --no-audit --no-fund");
        assertThat(answer("web.ts.localhost")).isEqualTo("typescript v1\n");

        Path changed = changedCopy("typescript v1", "typescript v2");
        long secondStarted = System.nanoTime();
        List<JsonNode> second = deployStreamed("ts/web", Fixtures.tarball(changed));
        Duration secondTook = since(secondStarted);

        assertThat(last(second).get("stage").asText()).as(second.toString()).isEqualTo("done");
        assertThat(messages(second)).contains("restored node_modules from the build cache (same lockfile, package manager, Node and npm)",
                "$ npm run build");
        assertThat(answer("web.ts.localhost")).isEqualTo("typescript v2\n");
        // how much faster the cached redeploy is, is measured by bench/build, not asserted on a busy machine
        System.out.printf("event=test.build-timing first_ms=%d code_only_redeploy_ms=%d%n", firstTook.toMillis(),
                secondTook.toMillis());

        // each release keeps how it was built: the list says so, and its whole output can be read back
        JsonNode releases = Http.get(server.api("/v1/apps/ts/web/releases"), token).json();
        assertThat(releases.findValues("status").stream().map(JsonNode::asText)).containsExactly("live", "superseded");
        assertThat(releases.get(1).get("buildMillis").asLong()).isPositive();
        assertThat(releases.get(1).get("uploadBytes").asLong()).isEqualTo(Fixtures.tarball("typescript").length);
        String firstLog = Http.get(server.api("/v1/apps/ts/web/build-log?release=1"), token).body();
        assertThat(firstLog).contains("$ npm ci --include=dev", "$ npm run build", "> tsc", "starting release 1",
                "released release 1");
        assertThat(cli("logs", "--build", "ts/web")).contains("restored node_modules from the build cache",
                "released release 2");
        assertThat(cli("releases", "ts/web")).containsPattern("v2 +live").containsPattern("v1 +superseded");
    }

    @Test
    void aFailingBuildScriptFailsTheDeployWithItsOutputAndThePreviousReleaseKeepsServing() throws Exception {
        Http.Answer good = Http.send("POST", server.api("/v1/apps/ts/api/releases"), token, "application/gzip",
                Fixtures.tarball("typescript"));
        assertThat(good.status()).as(good.body()).isEqualTo(201);

        Path broken = changedCopy("const ANSWER: string = 'typescript v1';", "const ANSWER: number = 'typescript v1';");
        Http.Answer bad = Http.send("POST", server.api("/v1/apps/ts/api/releases"), token, "application/gzip",
                Fixtures.tarball(broken));

        assertThat(bad.status()).as(bad.body()).isEqualTo(422);
        assertThat(bad.json().get("error").asText()).isEqualTo("npm run build failed (exit 2)");
        assertThat(bad.json().get("detail").asText()).contains("run `npm run build` locally")
                .contains("error TS2322");
        assertThat(answer("api.ts.localhost")).isEqualTo("typescript v1\n");
        JsonNode app = Http.get(server.api("/v1/apps/ts/api"), token).json();
        assertThat(app.get("release").asInt()).isEqualTo(1);
        assertThat(app.get("releases").findValues("number").stream().map(JsonNode::asInt)).containsExactly(1);
        // the failed build's output is the newest build log, though it made no release
        assertThat(Http.get(server.api("/v1/apps/ts/api/build-log"), token).body())
                .contains("error TS2322").contains("error npm run build failed (exit 2)");
        assertThat(Http.get(server.api("/v1/apps/ts/api/build-log?release=2"), token).status()).isEqualTo(404);
    }

    /**
     * A default yarn 4 app (Plug'n'Play: no node_modules), built with the real yarn through corepack: its
     * instance and a one-off resolve express through yarn's hook, from the zip in the slug's own .yarn/cache.
     * Before skep gave its processes that hook the app crashed at start with Cannot find module 'express'.
     */
    @Test
    void aYarnPlugAndPlayAppServesAndItsOneOffsResolveItsPackagesThroughYarnsHook() throws Exception {
        String app = "alice/pnp";
        cli("create", app);
        // corepack fetches yarn 2+ from yarn's own site, and trusts only node's CAs: skep hands a yarn or pnpm build
        // the host npm's registry and cafile itself (this host's TLS goes through a proxy of its own CA)
        Map<String, String> config = Map.of("NODE_OPTIONS", "--no-deprecation");
        Http.Answer env = Http.send("PATCH", server.api("/v1/apps/" + app + "/env"), token, "application/json",
                Http.JSON.writeValueAsBytes(Map.of("set", config)));
        assertThat(env.status()).as(env.body()).isEqualTo(200);

        Http.Answer deployed = Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token,
                "application/gzip", Fixtures.tarball(Fixtures.app("yarn-pnp")));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);

        JsonNode answer = Http.hosted(server.routerPort, "pnp.alice.localhost", "/").json();
        assertThat(answer.get("pnp").asText()).as(answer.toString()).isEqualTo("3");
        assertThat(answer.get("express").asText()).contains("/.yarn/cache/express-npm-")
                .contains(".zip/node_modules/express/index.js");
        assertThat(answer.get("nodeOptions").asText()).matches("--require /\\S+/\\.pnp\\.cjs --no-deprecation");
        assertThat(cli("run", app, "--", "node", "-p", "require.resolve('express')")).contains("/.yarn/cache/express-npm-");
    }

    /** Runs the skep CLI against the server; asserts it exits 0 and returns what it printed. */
    private static String cli(String... args) {
        return CliRun.against(server, dir, args).expect(0).all();
    }

    /** The fixture with one text replaced in src/server.ts: a code-only change. */
    private static Path changedCopy(String from, String to) throws IOException {
        Path copy = Files.createTempDirectory(dir, "typescript-");
        try (var files = Files.walk(Fixtures.app("typescript"))) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(Fixtures.app("typescript").relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Path server = copy.resolve("src/server.ts");
        String code = Files.readString(server);
        assertThat(code).contains(from);
        Files.writeString(server, code.replace(from, to));
        return copy;
    }

    /** Deploys asking for NDJSON progress, as `skep deploy` does; one JSON object per line. */
    private static List<JsonNode> deployStreamed(String app, byte[] tarball) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.api("/v1/apps/" + app + "/releases"))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/gzip")
                .header("Accept", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(tarball)).build();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : (Iterable<String>) response.body()::iterator) {
            lines.add(Http.JSON.readTree(line));
        }
        return lines;
    }

    private static List<String> messages(List<JsonNode> progress) {
        return progress.stream().filter(p -> p.hasNonNull("message")).map(p -> p.get("message").asText()).toList();
    }

    private static JsonNode last(List<JsonNode> progress) {
        assertThat(progress).isNotEmpty();
        return progress.get(progress.size() - 1);
    }

    private static String answer(String host) throws IOException {
        Http.Answer answer = Http.hosted(server.routerPort, host, "/");
        assertThat(answer.status()).isEqualTo(200);
        return answer.body();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
