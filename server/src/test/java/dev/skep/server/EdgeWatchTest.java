package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skep.model.AppId;
import dev.skep.model.RouterEndpoint;
import dev.skep.state.EmbeddedZooKeeper;
import dev.skep.state.StateConnection;
import dev.skep.state.ZkClusterState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `skep edge haproxy --watch` against a real ZooKeeper and a real reload command run by /bin/sh. */
class EdgeWatchTest {

    @TempDir
    Path dir;

    EmbeddedZooKeeper zk;
    StateConnection connection;
    ZkClusterState state;
    final HaproxyConfig config = new HaproxyConfig(ListenAddress.parse("--bind", "127.0.0.1:8080"), null);

    @BeforeEach
    void start() throws Exception {
        zk = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        connection = StateConnection.open(zk.connectString(), Duration.ofSeconds(5), Duration.ofSeconds(10));
        state = new ZkClusterState(connection.client(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        state.close();
        connection.close();
        zk.close();
    }

    @Test
    void routersJoiningAndLeavingRewriteTheFileAndReloadOnlyWhenItChanged() throws Exception {
        Path out = dir.resolve("haproxy.cfg");
        Path reloads = dir.resolve("reloads");
        try (EdgeWatch watch = new EdgeWatch(state, config, out, new ReloadCommand("echo x >> " + reloads))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> lines(reloads) == 1);
            assertThat(Files.readString(out)).contains("# no live router registered");

            state.registerRouter(new RouterEndpoint("r1", "10.0.0.7", 8080, -1));
            await().atMost(Duration.ofSeconds(10)).until(() -> lines(reloads) == 2);
            assertThat(Files.readString(out)).contains("    server r1 10.0.0.7:8080 check\n");

            state.createApp(AppId.parse("alice/shop")); // a change that is not about routers
            Thread.sleep(1_000);
            assertThat(lines(reloads)).as("same config, no reload").isEqualTo(2);
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left")
                        .noneMatch(n -> n.endsWith(".tmp"));
            }
        }
    }

    @Test
    void whenEveryRouterLeavesTheLastOneIsKeptForTheHealthChecksToJudge() throws Exception {
        Path out = dir.resolve("haproxy.cfg");
        var routers = StateConnection.open(zk.connectString(), Duration.ofSeconds(5), Duration.ofSeconds(10));
        var routerState = new ZkClusterState(routers.client(), Clock.systemUTC());
        routerState.registerRouter(new RouterEndpoint("r1", "10.0.0.7", 8080, -1));
        routerState.registerRouter(new RouterEndpoint("r2", "10.0.0.8", 8080, -1));
        try (EdgeWatch watch = new EdgeWatch(state, config, out, null)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(out)
                    && Files.readString(out).contains("server r2"));
            routerState.close();
            routers.close(); // both sessions end together, as in a ZooKeeper outage
            await().atMost(Duration.ofSeconds(10)).until(() -> state.routers().isEmpty());
            Thread.sleep(1_000);
            // the sessions end one by one: the file follows until the last, which it keeps
            assertThat(Files.readString(out)).containsPattern("server r[12] ")
                    .doesNotContain("# no live router registered");

            state.registerRouter(new RouterEndpoint("r1", "10.0.0.7", 8080, -1)); // back on a new session
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(out).contains("server r1 ")
                    && !Files.readString(out).contains("server r2 "));
        }
    }

    @Test
    void aFailingReloadIsRetriedWithoutAnotherChange() throws Exception {
        Path out = dir.resolve("haproxy.cfg");
        Path ok = dir.resolve("ok");
        Path reloads = dir.resolve("reloads");
        state.registerRouter(new RouterEndpoint("r1", "10.0.0.7", 8080, -1));
        try (EdgeWatch watch = new EdgeWatch(state, config, out,
                new ReloadCommand("test -f " + ok + " && echo x >> " + reloads))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(out));
            assertThat(Files.readString(out)).contains("server r1");
            Thread.sleep(500);
            assertThat(lines(reloads)).isZero();
            Files.createFile(ok); // the operator fixes what made it fail; nothing in the cluster changes
            await().atMost(EdgeWatch.RETRY.plusSeconds(5)).until(() -> lines(reloads) == 1);
        }
    }

    private static long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }
}
