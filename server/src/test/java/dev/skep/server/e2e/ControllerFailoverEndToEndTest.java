package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skep.state.EmbeddedZooKeeper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controllers on loopback (ZooKeeper in the test, one agent, one router): the leader killed with -9 under load is
 * replaced within 5 s (leadership rides on a 3 s session of its own); a deploy through the new leader is built,
 * placed and released while the old one comes back (it must not take the rollout for abandoned); and a rollout whose
 * controller dies during it is recovered by the leader.
 */
class ControllerFailoverEndToEndTest {

    @TempDir
    static Path dir;

    static EmbeddedZooKeeper zk;
    static final List<RoleProcess> roles = new ArrayList<>();
    /** Two agents' ranges (A1, A1 + 100) no other server of the suite is given (see SkepServerProcess.appPorts). */
    static int A1;
    static int routerPort;
    static final int[] apiPorts = new int[3];
    static Path secret;
    static String zkHosts;
    static final List<Long> appPids = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        A1 = SkepServerProcess.appPorts(2);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        zk = EmbeddedZooKeeper.start(Files.createDirectories(dir.resolve("zk")), new InetSocketAddress("127.0.0.1", 0));
        zkHosts = zk.connectString();
        secret = Files.createFile(dir.resolve("zk.secret"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secret, HexFormat.of().formatHex(new SecureRandom().generateSeed(32)));
        routerPort = SkepServerProcess.freePort();
        apiPorts[1] = SkepServerProcess.freePort();
        apiPorts[2] = SkepServerProcess.freePort();
        RoleProcess c1 = controller(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> c1.output().contains("event=leader.gained member=c1"));
        controller(2);
        roles.add(RoleProcess.start("a1", dir.resolve("logs"), "event=agent.started", "agent", "--zk", zkHosts,
                "--zk-secret", secret.toString(), "--data-dir", dir.resolve("a1").toString(), "--agent-id", "a1",
                "--advertise", "127.0.0.1", "--app-ports", A1 + "-" + (A1 + 99), "--drain-timeout", "1"));
        roles.add(RoleProcess.start("router", dir.resolve("logs"), "event=router.listening", "router", "--zk", zkHosts,
                "--zk-secret", secret.toString(), "--bind", "127.0.0.1", "--port", String.valueOf(routerPort)));
    }

    /** Controller cN; probation 6 s, so a rollout lasts long enough for things to happen during it. */
    static RoleProcess controller(int n) throws Exception {
        return controller(n, "c" + n);
    }

    /** @param log the name of its log file (a restarted controller gets a log of its own) */
    static RoleProcess controller(int n, String log) throws Exception {
        RoleProcess c = RoleProcess.start(log, dir.resolve("logs"), "event=api.started", "controller", "--zk",
                zkHosts, "--zk-secret", secret.toString(), "--data-dir", dir.resolve("c" + n).toString(),
                "--api-port", String.valueOf(apiPorts[n]), "--advertise", "127.0.0.1", "--id", "c" + n,
                "--probation", "6", "--router-port", String.valueOf(routerPort));
        roles.add(c);
        return c;
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (int i = roles.size() - 1; i >= 0; i--) {
            roles.get(i).close();
        }
        for (long pid : appPids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Mounts.release(dir);
        if (zk != null) {
            zk.close();
        }
    }

    static String token() throws Exception {
        return Files.readString(dir.resolve("c1/admin.token")).trim(); // the first controller made the admin
    }

    static URI api(int controller, String path) {
        return URI.create("http://127.0.0.1:" + apiPorts[controller] + path);
    }

    static final AtomicInteger uploads = new AtomicInteger();

    /** The hello app with a file that differs per upload: each release has a slug of its own (ids are content's). */
    static Http.Answer deploy(int controller, String app) throws Exception {
        Path source = dir.resolve("upload-" + uploads.incrementAndGet());
        try (var files = Files.walk(Fixtures.app("hello"))) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = source.resolve(Fixtures.app("hello").relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        Files.writeString(source.resolve("upload.txt"), source.getFileName() + "\n");
        return Http.send("POST", api(controller, "/v1/apps/" + app + "/releases"), token(), "application/gzip",
                Fixtures.tarball(source));
    }

    static int serving(int controller, String app) throws Exception {
        return Http.get(api(controller, "/v1/apps/" + app), token()).json().get("release").asInt();
    }

    @Test
    void theOtherControllerLeadsWithinFiveSecondsOfTheLeadersKillAndReleasesADeployWhileTheOldOneReturns()
            throws Exception {
        String app = "alice/web";
        Http.Answer first = deploy(1, app);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        RoleProcess c1 = roles.get(0);
        RoleProcess c2 = roles.get(1);
        assertThat(c2.output()).doesNotContain("event=leader.gained");

        long takeoverMillis;
        LoadLoop.Result result;
        try (LoadLoop load = LoadLoop.paced("web.alice.localhost", routerPort, 1, Duration.ofMillis(20))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.okSoFar() > 20);
            long killed = System.nanoTime();
            c1.kill();
            roles.remove(c1);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> c2.output().contains("event=leader.gained member=c2"));
            takeoverMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();

            // a deploy through the new leader, while the old leader comes back (as a follower) during its rollout
            CompletableFuture<Http.Answer> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return deploy(2, app);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> c2.output().contains("event=release.probation app="
                    + app + " release=2"));
            RoleProcess back = controller(1, "c1-restarted");
            Http.Answer answer = second.get(60, TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            assertThat(serving(2, app)).isEqualTo(2);
            assertThat(back.output()).doesNotContain("event=rollout.interrupted")
                    .doesNotContain("event=release.probation-interrupted");
            assertThat(c2.output()).contains("event=release.released app=" + app + " release=2");
            result = load.stop();
        }
        System.out.printf("controller failover: c2 leads %d ms after c1's kill -9; %d requests, %d failed%n",
                takeoverMillis, result.ok() + result.failed(), result.failed());
        assertThat(result.failed()).as("%s", result).isZero();
        assertThat(Http.hosted(routerPort, "web.alice.localhost", "/").status()).isEqualTo(200);
        Http.get(api(2, "/v1/apps/" + app), token()).json().get("instances")
                .forEach(i -> appPids.add(i.get("pid").asLong()));

        // now the leader (c2) dies during a deploy it runs: c1 leads, and recovers the rollout nobody runs any more
        CompletableFuture.runAsync(() -> {
            try {
                deploy(2, app);
            } catch (Exception expected) {
                // its controller is killed under it
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> c2.output().contains("event=release.probation app="
                + app + " release=3"));
        RoleProcess c1again = roles.get(roles.size() - 1);
        c2.kill();
        roles.remove(c2);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> c1again.output().contains("event=leader.gained member=c1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> c1again.output()
                .contains("event=release.probation-interrupted app=" + app + " release=3"));
        assertThat(serving(1, app)).as("the release was ready and serving: it stays").isEqualTo(3);
        Http.get(api(1, "/v1/apps/" + app), token()).json().get("instances")
                .forEach(i -> appPids.add(i.get("pid").asLong()));

        // release 3 was built on c2, which is dead: c1 copied its slug meanwhile, and a fresh agent fetches it there
        assertThat(c1again.output()).contains("event=slug.replicated");
        RoleProcess a2 = RoleProcess.start("a2", dir.resolve("logs"), "event=agent.started", "agent", "--zk", zkHosts,
                "--zk-secret", secret.toString(), "--data-dir", dir.resolve("a2").toString(), "--agent-id", "a2",
                "--advertise", "127.0.0.1", "--app-ports", (A1 + 100) + "-" + (A1 + 199), "--drain-timeout", "1");
        roles.add(a2);
        assertThat(Http.send("PATCH", api(1, "/v1/apps/" + app), token(), "application/json",
                "{\"instances\": 2}".getBytes()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var instances = Http.get(api(1, "/v1/apps/" + app), token()).json().get("instances");
            int readyOnA2 = 0;
            for (var i : instances) {
                appPids.add(i.get("pid").asLong());
                int port = i.get("port").asInt();
                if ("ready".equals(i.get("state").asText()) && port >= A1 + 100 && port < A1 + 200) {
                    readyOnA2++;
                }
            }
            return readyOnA2 == 1;
        });
        assertThat(a2.output()).contains("event=slug.fetched").contains("controller=http://127.0.0.1:" + apiPorts[1]);
    }
}
