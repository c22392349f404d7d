package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A default yarn 4 app (Plug'n'Play: no node_modules), built by a real `skep server` with the real yarn
 * (through corepack) and the real registry: its instance and a one-off resolve express through yarn's hook,
 * from the zip in the slug's own .yarn/cache. Before skep gave its processes that hook, the app crashed at
 * start with Cannot find module 'express'.
 */
class YarnPnpEndToEndTest {

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
    void aPlugAndPlayAppServesAndItsOneOffsResolveItsPackagesThroughYarnsHook() throws Exception {
        String app = "alice/pnp";
        // corepack fetches yarn 2+ from yarn's own site unless told the registry npm uses (the host's)
        Process npm = new ProcessBuilder("npm", "config", "get", "registry").redirectErrorStream(true).start();
        String registry = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()
                .replaceAll("/+$", "");
        assertThat(npm.waitFor()).as(registry).isZero();
        CliRun created = CliRun.against(server, dir, "create", app);
        assertThat(created.exit()).as(created.out() + created.err()).isZero();
        Map<String, String> config = new TreeMap<>(Map.of("COREPACK_NPM_REGISTRY", registry,
                "NODE_OPTIONS", "--no-deprecation"));
        // a host whose TLS goes through a proxy of its own CA: node (corepack, yarn) trusts it only when told
        Optional.ofNullable(System.getenv("NODE_EXTRA_CA_CERTS")).ifPresent(ca -> config.put("NODE_EXTRA_CA_CERTS", ca));
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

        CliRun run = CliRun.against(server, dir, "run", app, "--", "node", "-p", "require.resolve('express')");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("/.yarn/cache/express-npm-");
    }
}
