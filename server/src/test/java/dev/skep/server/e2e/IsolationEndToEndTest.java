package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.DataDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation when skep runs as root: a hostile app tries to reach another app, skep's data and
 * process, ZooKeeper, and to outgrow its limits; every attempt must fail. Needs root (CI runs
 * as root); skipped, saying so, otherwise.
 */
class IsolationEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;
    static int zkPort;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(DataDirs.runningAsRoot(),
                "isolation needs root (a uid per app, cgroups); run the suite as root, as CI does");
        zkPort = SkepServerProcess.freePort();
        server = new SkepServerProcess(dir.resolve("data"), List.of("--zk-port", Integer.toString(zkPort),
                "--app-memory", "128", "--app-pids", "64", "--app-open-files", "1024"), Map.of()).start();
        token = server.token();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    static JsonNode deploy(String app, String fixture) throws Exception {
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token, "application/gzip",
                Fixtures.tarball(fixture));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("instances").get(0);
    }

    static JsonNode call(int port, String pathAndQuery) throws Exception {
        return Http.JSON.readTree(Http.plain("http://127.0.0.1:" + port + pathAndQuery).body());
    }

    @Test
    void aHostileAppReachesNeitherAnotherAppNorSkepNorItsProcesses() throws Exception {
        JsonNode victim = deploy("alice/victim", "hello");
        JsonNode hostile = deploy("mallory/probe", "hostile");
        long victimPid = victim.get("pid").asLong();
        String victimInstance = victim.get("instance").asText();
        Path victimCode = Files.readSymbolicLink(Path.of("/proc/" + victimPid + "/cwd"));
        Path data = server.dataDir;
        Path victimLog;
        try (var logs = Files.list(data.resolve("agent/logs/alice/victim"))) {
            victimLog = logs.findFirst().orElseThrow();
        }

        Path victimSlug;
        try (var slugs = Files.list(data.resolve("slugs"))) {
            victimSlug = slugs.filter(p -> p.getFileName().toString().startsWith("alice.victim.")).findFirst().orElseThrow();
        }
        List<String> reads = List.of(victimCode.resolve("server.js").toString(),
                victimSlug.resolve("server.js").toString(), "/proc/" + victimPid + "/cwd/server.js",
                data.resolve("agent/run/" + victimInstance + "/stdout").toString(), victimLog.toString(),
                data.resolve("agent/instances/" + victimInstance + ".json").toString(),
                data.resolve("admin.token").toString(), data.resolve("zk.secret").toString(),
                data.resolve("audit/audit.log").toString(),
                "/proc/" + server.pid() + "/environ", "/proc/" + victimPid + "/environ", "/etc/shadow");
        List<String> lists = List.of(data.toString(), data.resolve("zk").toString(), data.resolve("slugs").toString(),
                data.resolve("agent/logs").toString(), data.resolve("agent/instances").toString(),
                victimCode.toString(), data.resolve("audit").toString(), data.resolve("tmp").toString());
        List<String> writes = List.of(victimCode.resolve("server.js").toString(), victimSlug.resolve("server.js").toString(),
                data.resolve("admin.token").toString(),
                data.resolve("evil").toString(), data.resolve("slugs/evil").toString());
        List<String> kills = List.of(Long.toString(victimPid), Long.toString(server.pid()), "1");
        boolean guarded = server.output().contains("event=bindguard.on");
        // with the bind guard a free port is refused too (one port per app); without it only taken ports are
        List<String> binds = new ArrayList<>(List.of(Integer.toString(victim.get("port").asInt()),
                Integer.toString(server.apiPort), Integer.toString(server.routerPort), Integer.toString(zkPort), "80"));
        List<String> binds6 = new ArrayList<>(List.of(Integer.toString(server.apiPort),
                Integer.toString(server.routerPort), Integer.toString(zkPort)));
        // with it, skep's ZooKeeper is closed to apps too (they share 127.0.0.1 with skep, so no per-address cap
        // could tell a tenant's connections from skep's); without it, its lock-down below must hold alone
        List<String> connects = new ArrayList<>();
        if (guarded) {
            binds.add(Integer.toString(SkepServerProcess.freePort()));
            binds6.add(Integer.toString(SkepServerProcess.freePort()));
            connects.add(Integer.toString(zkPort));
        }

        StringBuilder query = new StringBuilder("/probe?");
        reads.forEach(p -> query.append("read=").append(encode(p)).append('&'));
        lists.forEach(p -> query.append("list=").append(encode(p)).append('&'));
        writes.forEach(p -> query.append("write=").append(encode(p)).append('&'));
        kills.forEach(p -> query.append("kill=").append(p).append('&'));
        binds.forEach(p -> query.append("bind=").append(p).append('&'));
        binds6.forEach(p -> query.append("bind6=").append(p).append('&'));
        connects.forEach(p -> query.append("connect=").append(p).append("&connect6=").append(p).append('&'));
        JsonNode results = call(hostile.get("port").asInt(), query.toString());

        int tried = 0;
        List<String> escaped = new ArrayList<>();
        for (String kind : List.of("read", "list", "write", "kill", "bind", "bind6", "connect", "connect6")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = results.get(kind).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> attempt = it.next();
                tried++;
                if (attempt.getValue().asText().startsWith("ok")) {
                    escaped.add(kind + " " + attempt.getKey() + ": " + attempt.getValue().asText());
                }
            }
        }
        System.out.printf("isolation: %d escapes tried, %d blocked%n%s%n", tried, tried - escaped.size(), results);
        assertThat(tried).isEqualTo(reads.size() + lists.size() + writes.size() + kills.size() + binds.size()
                + binds6.size() + 2 * connects.size());
        assertThat(escaped).as("attempts that worked").isEmpty();
        if (guarded) {
            for (String kind : List.of("bind", "bind6", "connect", "connect6")) {
                results.get(kind).fields().forEachRemaining(attempt -> assertThat(attempt.getValue().asText())
                        .as("%s %s", kind, attempt.getKey()).isEqualTo("EPERM"));
            }
        }
        // what skep serves to apps stays reachable: the router and the API, on both loopbacks
        JsonNode reach = call(hostile.get("port").asInt(), "/probe?connect=" + server.routerPort + "&connect6="
                + server.apiPort);
        assertThat(reach.get("connect").get(Integer.toString(server.routerPort)).asText()).startsWith("ok");
        assertThat(reach.get("connect6").get(Integer.toString(server.apiPort)).asText()).startsWith("ok");
        // the app's /proc is mounted hidepid=2: other users' processes are not even there
        assertThat(results.get("read").get("/proc/" + server.pid() + "/environ").asText()).isEqualTo("ENOENT");
        assertThat(results.get("kill").get(Long.toString(victimPid)).asText()).isIn("EPERM", "ESRCH");

        // who the app is: its own uid, no groups, no capabilities, no_new_privs, its limits
        JsonNode me = call(hostile.get("port").asInt(), "/whoami");
        // the victim's cwd is an overlay in its own mount namespace: on the host an empty dir of root's, so ask /proc
        long victimUid = Files.readAllLines(Path.of("/proc/" + victimPid + "/status")).stream()
                .filter(l -> l.startsWith("Uid:")).map(l -> Long.parseLong(l.split("\\s+")[1])).findFirst().orElseThrow();
        assertThat(me.get("uid").asLong()).isNotZero().isNotEqualTo(victimUid).isGreaterThanOrEqualTo(100_000);
        assertThat(me.get("gid").asLong()).isEqualTo(me.get("uid").asLong());
        assertThat(me.get("groups").size()).isLessThanOrEqualTo(1);
        assertThat(me.get("capEff").asText()).matches("0+");
        assertThat(me.get("capPrm").asText()).matches("0+");
        assertThat(me.get("noNewPrivs").asText()).isEqualTo("1");
        assertThat(me.get("openFiles").toString()).isEqualTo("[\"1024\",\"1024\"]");
        assertThat(me.get("cgroup").toString()).contains("skep/" + hostile.get("instance").asText());

        // and the victim never noticed
        assertThat(Http.plain("http://127.0.0.1:" + victim.get("port").asInt() + "/").body())
                .startsWith("hello from " + victimInstance);
        assertThat(ProcessHandle.of(victimPid)).isPresent();
    }

    @Test
    void theUploadsInstallScriptsRunAsTheAppsUidNeverAsRoot() throws Exception {
        Path data = server.dataDir;
        String script = "id -u > build-uid.txt; cat " + data.resolve("admin.token") + " > stolen.txt 2>/dev/null; "
                + "touch " + data.resolve("pwned-by-build") + " 2>/dev/null; true";
        byte[] tarball = Tars.of(tar -> {
            Tars.file(tar, "package.json", "{\"name\":\"b\",\"version\":\"1.0.0\",\"main\":\"server.js\","
                    + "\"dependencies\":{\"x\":\"file:./x\"},\"scripts\":{\"preinstall\":"
                    + Http.JSON.writeValueAsString(script) + "}}", 0644);
            Tars.file(tar, "server.js", Tars.SERVER_JS, 0644);
            Tars.file(tar, "x/package.json", "{\"name\":\"x\",\"version\":\"1.0.0\"}", 0644);
        });
        Http.Answer answer = Http.send("POST", server.api("/v1/apps/mallory/build/releases"), token, "application/gzip",
                tarball);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        // its code as the app sees it: an overlay in the instance's own mount namespace, reached through /proc
        Path code = Path.of("/proc/" + answer.json().get("instances").get(0).get("pid").asLong() + "/cwd/.");
        int appUid = (Integer) Files.getAttribute(code, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        assertThat(Files.readString(code.resolve("build-uid.txt")).trim()).isEqualTo(Integer.toString(appUid));
        assertThat(appUid).isGreaterThanOrEqualTo(100_000);
        assertThat(Files.readString(code.resolve("stolen.txt"))).doesNotContain(token);
        assertThat(data.resolve("pwned-by-build")).doesNotExist();
        assertThat(code.resolve("node_modules/x/package.json")).exists();
    }

    private ZooKeeper connectedClient() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + zkPort, 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    @Test
    void zooKeeperStateIsUnreadableAndUnwritableWithoutSkepsSecret() throws Exception {
        deploy("alice/zk", "hello");
        try (ZooKeeper anonymous = connectedClient()) {
            // a session without credentials is closed at its first request
            assertThatThrownBy(() -> anonymous.getChildren("/skep", false))
                    .isInstanceOf(KeeperException.SessionClosedRequireAuthException.class);
        }
        try (ZooKeeper zk = connectedClient()) {
            // credentials of its own (a wrong secret is no better) make a session, and nothing more
            zk.addAuthInfo("digest", "skep:not-the-secret".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> zk.getChildren("/skep", false)).isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> zk.getData("/skep/apps/alice/zk", false, null))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> zk.getData("/skep/users/admin", false, null))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> zk.setData("/skep/apps/alice/zk", "{}".getBytes(), -1))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> zk.delete("/skep/apps/alice/zk", -1)).isInstanceOf(KeeperException.class);
            for (String path : new String[] {"/skep/evil", "/evil", "/zookeeper/evil", "/zookeeper/quota/evil"}) {
                assertThatThrownBy(() -> zk.create(path, new byte[1024], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT)).as(path).isInstanceOf(KeeperException.NoAuthException.class);
            }
        }
        assertThat(Http.get(server.api("/v1/apps/alice/zk"), token).status()).isEqualTo(200);
    }

    @Test
    void skepsFilesAndEachAppsFilesHaveTheirOwnerAndMode() throws Exception {
        JsonNode app = deploy("alice/modes", "hello");
        Path data = server.dataDir;
        Map<String, String> modes = Map.ofEntries(Map.entry("", "rwx--x--x"), Map.entry("admin.token", "rw-------"),
                Map.entry("zk.secret", "rw-------"), Map.entry("zk", "rwx------"), Map.entry("audit", "rwx------"),
                Map.entry("tmp", "rwx------"), Map.entry("npm-cache", "rwx--x--x"), Map.entry("slugs", "rwx--x--x"),
                Map.entry("agent", "rwx--x--x"), Map.entry("agent/run", "rwx--x--x"),
                Map.entry("agent/instances", "rwx------"), Map.entry("agent/logs", "rwx------"));
        modes.forEach((path, mode) -> assertThat(mode(data.resolve(path))).as(path).isEqualTo(mode));
        // its code as the app sees it: an overlay in the instance's own mount namespace, reached through /proc
        Path code = Path.of("/proc/" + app.get("pid").asLong() + "/cwd/.");
        Path run = data.resolve("agent/run/" + app.get("instance").asText());
        int uid = (Integer) Files.getAttribute(code, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        assertThat(uid).isGreaterThanOrEqualTo(100_000);
        assertThat(mode(code)).isEqualTo("rwx------");
        assertThat(mode(run)).isEqualTo("rwx------");
        assertThat((Integer) Files.getAttribute(run, "unix:uid")).isEqualTo(uid);
        assertThat((Integer) Files.getAttribute(code.resolve("server.js"), "unix:uid")).isEqualTo(uid);
        assertThat((Integer) Files.getAttribute(data.resolve("admin.token"), "unix:uid")).isZero();
        // the slug under it is root's and shut: no app reaches it but through its own copy
        try (var slugs = Files.list(data.resolve("slugs"))) {
            Path slug = slugs.filter(p -> p.getFileName().toString().startsWith("alice.modes.")).findFirst().orElseThrow();
            assertThat((Integer) Files.getAttribute(slug, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isZero();
            assertThat(mode(slug)).isEqualTo("rwx------");
        }
    }

    @Test
    void anAppOverItsMemoryLimitIsKilledAndRestartedWithAnOomEvent() throws Exception {
        JsonNode first = deploy("mallory/hog", "hostile");
        int port = first.get("port").asInt();
        try {
            Http.plain("http://127.0.0.1:" + port + "/hog?mb=400");
        } catch (IOException expected) {
            // killed while answering
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode i = Http.get(server.api("/v1/apps/mallory/hog"), token).json().get("instances").get(0);
            assertThat(i.get("restarts").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(i.get("pid").asLong()).isNotEqualTo(first.get("pid").asLong());
            assertThat(i.get("lastExit").asText()).contains("out of memory", "128 MiB");
            assertThat(i.get("state").asText()).isEqualTo("ready");
        });
        assertThat(server.output()).contains("event=instance.oom-killed app=mallory/hog");
        assertThat(call(port, "/").get("hostile").asText()).isEqualTo(first.get("instance").asText());
    }

    @Test
    void aForkBombHitsThePidsLimitAndTheHostStaysResponsive() throws Exception {
        JsonNode bystander = deploy("alice/bystander", "hello");
        JsonNode bomb = deploy("mallory/bomb", "hostile");
        int port = bomb.get("port").asInt();
        Path pids = Path.of("/sys/fs/cgroup/pids/skep", bomb.get("instance").asText());
        Assumptions.assumeTrue(Files.isDirectory(pids), "needs cgroup v1 pids (this host's kind); v2: "
                + "the oom and spawn checks above cover it");

        JsonNode spawned = call(port, "/spawn?n=500");
        assertThat(spawned.get("spawned").asInt()).isBetween(1, 63);
        assertThat(spawned.get("refused").asText()).isEqualTo("EAGAIN");

        call(port, "/forkbomb");
        long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        int checks = 0;
        while (System.nanoTime() < until) {
            long t0 = System.nanoTime();
            assertThat(Http.get(server.api("/version"), null).status()).isEqualTo(200);
            assertThat(Http.plain("http://127.0.0.1:" + bystander.get("port").asInt() + "/").status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(Long.parseLong(Files.readString(pids.resolve("pids.current")).trim())).isLessThanOrEqualTo(64);
            checks++;
        }
        assertThat(checks).isGreaterThan(3);
        assertThat(Files.readString(pids.resolve("pids.events"))).doesNotContain("max 0");

        Http.Answer stopped = Http.send("POST", server.api("/v1/apps/mallory/bomb/stop"), token, null, null);
        assertThat(stopped.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(pids));
        System.out.printf("fork bomb: %d spawned before EAGAIN, pids.max 64 held for %d checks%n",
                spawned.get("spawned").asInt(), checks);
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
