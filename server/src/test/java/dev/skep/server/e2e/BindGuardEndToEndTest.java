package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.DataDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One port per app (issue 10 #3): a deployed tenant app tries to listen on skep's ports, another app's port and
 * a free port, on both loopbacks and the wildcards; only its own PORT (and port 0) is let through. Its build
 * tries too, and is refused. Needs root (cgroups, BPF); skipped, saying so, otherwise.
 */
class BindGuardEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(DataDirs.runningAsRoot(), "the bind guard needs root (cgroups, BPF); run the suite "
                + "as root, as CI does");
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        token = server.token();
        Assumptions.assumeTrue(server.output().contains("event=bindguard.on"),
                () -> "the bind guard is off on this host: " + server.output().lines()
                        .filter(l -> l.contains("event=bindguard")).findFirst().orElse("(no bindguard line)"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    static JsonNode deploy(String app, String fixture) throws Exception {
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token,
                "application/gzip", Fixtures.tarball(fixture));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("instances").get(0);
    }

    @Test
    void anAppListensOnItsOwnPortOnly() throws Exception {
        int peer = deploy("bob/peer", "hello").get("port").asInt();
        int own = deploy("alice/prober", "tries-ports").get("port").asInt();
        int free = SkepServerProcess.freePort();

        assertThat(bind(own, "::1", server.routerPort)).as("the router's port on [::1]").isEqualTo("EPERM");
        assertThat(bind(own, "127.0.0.1", server.routerPort)).as("the router's port").isEqualTo("EPERM");
        assertThat(bind(own, "::1", server.apiPort)).as("the API's port on [::1]").isEqualTo("EPERM");
        assertThat(bind(own, "127.0.0.1", peer)).as("bob/peer's port").isEqualTo("EPERM");
        assertThat(bind(own, "::", peer)).as("bob/peer's port, IPv6 wildcard").isEqualTo("EPERM");
        assertThat(bind(own, "0.0.0.0", free)).as("a free port, IPv4 wildcard").isEqualTo("EPERM");
        assertThat(bind(own, "::1", free)).as("a free port on [::1]").isEqualTo("EPERM");
        assertThat(bind(own, "::1", own)).as("its own PORT on [::1] (it serves on 127.0.0.1)").isEqualTo("ok");
        assertThat(bind(own, "127.0.0.1", 0)).as("an ephemeral port").isEqualTo("ok");
        // what it was refused is still free for its owner
        assertThat(Http.plain("http://127.0.0.1:" + peer + "/").body()).startsWith("hello from bob.peer.");
    }

    @Test
    void aBuildScriptCannotListen() throws Exception {
        deploy("alice/builder", "tries-ports");
        Path slug;
        try (var slugs = Files.list(server.dataDir.resolve("slugs"))) {
            slug = slugs.filter(p -> p.getFileName().toString().startsWith("alice.builder.")).findFirst().orElseThrow();
        }
        assertThat(Files.readString(slug.resolve("build-bind.txt")).lines())
                .containsExactly("127.0.0.1 39518 EPERM", "::1 39518 EPERM");
    }

    @Test
    void aOneOffListensOnItsOwnPortOnly() throws Exception {
        deploy("alice/once", "tries-ports");
        CliRun run = CliRun.against(server, dir, "run", "alice/once", "--", "sh", "-c",
                "node try-bind.js ::1 \"$PORT\"; node try-bind.js 127.0.0.1 " + server.routerPort);
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("::1 \\d+ ok").contains("127.0.0.1 " + server.routerPort + " EPERM");
    }

    /** What the prober app got when it tried to listen on host:port. */
    private static String bind(int prober, String host, int port) throws Exception {
        Http.Answer answer = Http.plain("http://127.0.0.1:" + prober + "/bind?host=" + host + "&port=" + port);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }
}
