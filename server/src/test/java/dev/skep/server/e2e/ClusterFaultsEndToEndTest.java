package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of a real cluster under a steady GET load through its routers: a 3-member ZooKeeper ensemble (one JVM
 * each) and a controller in the root network namespace; 3 agents and 2 routers each a host of its own, a network
 * namespace on a bridge ({@link NetnsHosts}). The cases run in order on one cluster and one app of 3 instances,
 * each leaving it settled for the next: a ZooKeeper member down, an agent's host killed, an agent cut off past its
 * session and healed, the quorum lost for three sessions, the controller killed and restarted, a router killed.
 * Every role runs a 4 s ZooKeeper session (--zk-session-timeout, 10 s by default): what is checked is relative to
 * it (past a session, a session after a reconnect), and a shorter one reaches each of those moments sooner. Needs
 * root (skipped otherwise); everything it made (namespaces, bridge, veths, processes, by pid) goes at the end, and a
 * later run removes what a killed run left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultsEndToEndTest {

    static final String APP = "alice/faults";
    static final String HOST = "faults.alice.localhost";
    /** Every role's ZooKeeper session: each role is started with it, and logs that the ensemble granted it. */
    static final Duration SESSION = Duration.ofSeconds(4);
    /** Past the ZooKeeper session of every role by a whole session: the cut-off agent's session surely ends. */
    static final Duration PARTITION = SESSION.multipliedBy(2);
    /** Every session's deadline passes during the loss, three times over (the 30 s this was with 10 s sessions). */
    static final Duration QUORUM_LOSS = SESSION.multipliedBy(3);
    /** Each router's load: one client, a request every 40 ms (about 25/s each, 50/s in all). */
    static final Duration PACE = Duration.ofMillis(40);

    @TempDir
    static Path dir;

    static NetnsHosts hosts;
    static ZooKeeperEnsemble zk;
    static Path secret;
    static RoleProcess controller;
    static final Map<String, RoleProcess> agents = new LinkedHashMap<>();
    static final Map<String, RoleProcess> routers = new LinkedHashMap<>();
    static final Map<String, Integer> routerPorts = new LinkedHashMap<>();
    static final Map<String, Integer> firstAppPort = new LinkedHashMap<>();
    static final Set<Long> appPids = ConcurrentHashMap.newKeySet();
    static int apiPort;
    static String token;
    static int wanted = 3;

    @BeforeAll
    static void startCluster() throws Exception {
        Assumptions.assumeTrue(NetnsHosts.available(), "needs root, ip netns and nsenter: the hosts are network namespaces");
        long start = System.nanoTime();
        NetnsHosts.sweepStale();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        hosts = NetnsHosts.create(List.of("a1", "a2", "a3", "r1", "r2"));
        String local = hosts.rootAddress();
        zk = ZooKeeperEnsemble.start(dir.resolve("zk"), local);
        long ensembleUp = System.nanoTime();
        secret = Files.createFile(dir.resolve("zk.secret"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secret, HexFormat.of().formatHex(new SecureRandom().generateSeed(32)));
        apiPort = SkepServerProcess.freePort();
        // two ports: a router's id is its host name and port, and the namespaces share the machine's host name
        routerPorts.put("r1", SkepServerProcess.freePort());
        routerPorts.put("r2", SkepServerProcess.freePort());
        startController("controller");
        token = Files.readString(dir.resolve("controller/admin.token")).trim();
        int first = 31000 + (int) (Math.random() * 30) * 100;
        for (String a : List.of("a1", "a2", "a3")) {
            firstAppPort.put(a, first);
            first += 1000;
            startAgent(a);
        }
        for (String r : List.of("r1", "r2")) {
            routers.put(r, RoleProcess.start(hosts.on(r), "router-" + r, dir.resolve("logs"), "event=router.listening",
                    "router", "--zk", zk.connectString(), "--zk-secret", secret.toString(), "--zk-session-timeout",
                    String.valueOf(SESSION.toSeconds()), "--bind", hosts.address(r),
                    "--port", String.valueOf(routerPorts.get(r))));
        }
        long rolesUp = System.nanoTime();
        List<RoleProcess> roles = new ArrayList<>(agents.values());
        roles.addAll(routers.values());
        roles.add(controller);
        for (RoleProcess role : roles) { // the cases' timings assume this session, not the default
            role.awaitSessionOf(SESSION);
        }
        Http.Answer deploy = Http.send("POST", api("/v1/apps/" + APP + "/releases"), token, "application/gzip",
                Fixtures.tarball("hello"));
        assertThat(deploy.status()).as(deploy.body()).isEqualTo(201);
        scale(wanted);
        await("3 instances, one on each agent").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> settled(wanted, null) && hostsOfInstances().size() == 3);
        for (String r : routers.keySet()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> Http.hosted(hosts.address(r), routerPorts.get(r), HOST, "/")
                    .status() == 200);
        }
        System.out.printf("faults: cluster up in %d ms (ensemble %d, roles %d, app of %d instances %d)%n",
                millisSince(start), Duration.ofNanos(ensembleUp - start).toMillis(),
                Duration.ofNanos(rolesUp - ensembleUp).toMillis(), wanted, millisSince(rolesUp));
    }

    static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }

    static void startController(String name) throws Exception {
        String local = hosts.rootAddress();
        controller = RoleProcess.start(name, dir.resolve("logs"), "event=api.started", "controller",
                "--zk", zk.connectString(), "--zk-secret", secret.toString(),
                "--zk-session-timeout", String.valueOf(SESSION.toSeconds()),
                "--data-dir", dir.resolve("controller").toString(), "--api-port", String.valueOf(apiPort),
                "--bind", local, "--advertise", local, "--id", "ctl", "--probation", "1",
                "--router-port", String.valueOf(routerPorts.get("r1")));
    }

    static void startAgent(String id) throws Exception {
        int first = firstAppPort.get(id);
        agents.put(id, RoleProcess.start(hosts.on(id), id, dir.resolve("logs"), "event=agent.started", "agent",
                "--zk", zk.connectString(), "--zk-secret", secret.toString(),
                "--zk-session-timeout", String.valueOf(SESSION.toSeconds()), "--data-dir", dir.resolve(id).toString(),
                "--agent-id", id, "--advertise", hosts.address(id),
                "--app-ports", first + "-" + (first + 99), "--drain-timeout", "1"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        List<AutoCloseable> order = new ArrayList<>(routers.values());
        order.addAll(agents.values());
        order.add(controller);
        for (AutoCloseable role : order) {
            closeQuietly(role);
        }
        for (long pid : appPids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        closeQuietly(hosts); // kills whatever still runs in a namespace, by pid, then removes them and the bridge
        closeQuietly(zk);
        if (dir != null) {
            Mounts.release(dir);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("clean-up of " + closeable + " failed: " + e);
        }
    }

    /** The leading member killed and brought back under load: the others elect a leader, sessions live on. */
    @Test
    @Order(1)
    void oneZooKeeperMemberDownFailsNoRequestAndStopsNothing() throws Exception {
        Set<Long> before = pids();
        int leader = zk.leader();
        assertThat(leader).as("a leader among the members").isNotNegative();
        LoadLoop.Result[] results;
        try (Loads loads = Loads.start()) {
            loads.awaitServing();
            zk.kill(leader);
            Thread.sleep(8_000);
            zk.startMember(leader);
            zk.awaitQuorum(Duration.ofSeconds(30));
            loads.awaitMore();
            results = loads.stop();
        }
        report("zookeeper member " + (leader + 1) + " (the leader) down 8 s", results);
        assertNoneFailed(results);
        assertThat(settled(wanted, null)).isTrue();
        assertThat(pids()).as("the same processes: nothing stopped or restarted").isEqualTo(before);
    }

    /** The host of an agent dies (its agent and its apps, kill -9): routers retry elsewhere, the work moves. */
    @Test
    @Order(2)
    void anAgentsHostKilledFailsNoGetAndItsInstancesServeElsewhereSoon() throws Exception {
        String victim = "a1";
        List<Long> onVictim = pidsOn(victim);
        assertThat(onVictim).as("a1 runs one of the instances").isNotEmpty();
        LoadLoop.Result[] results;
        long backMillis;
        try (Loads loads = Loads.start()) {
            loads.awaitServing();
            long killed = System.nanoTime();
            agents.get(victim).kill();
            onVictim.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> serving(victim) >= wanted);
            backMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();
            loads.awaitMore();
            results = loads.stop();
        }
        report("agent " + victim + " host killed; all " + wanted + " instances serve again after " + backMillis + " ms",
                results);
        assertNoneFailed(results);
        // the goal is 5 s (bench/cluster/failover.sh measures it); twice that here, on a shared 2-core machine
        assertThat(backMillis).as("ms until all instances serve again").isLessThan(10_000);

        await("the dead host's instances leave with its session").atMost(Duration.ofSeconds(30))
                .until(() -> instances().size() == wanted);
        startAgent(victim); // the host comes back, empty
        await().atMost(Duration.ofSeconds(20)).until(() -> agentStates().getOrDefault(victim, "").equals("ready"));
    }

    /**
     * An agent's host cut off (link down) past its session: its work moves to the others; healed, it
     * re-registers and stops the copies that were moved away, so the app runs exactly as many instances as asked.
     */
    @Test
    @Order(3)
    void anAgentCutOffPastItsSessionHasItsWorkMovedAndAfterTheHealNoDuplicateIsLeft() throws Exception {
        String victim = busiestAgent();
        List<Long> copies = pidsOn(victim);
        LoadLoop.Result[] results;
        long movedMillis;
        try (Loads loads = Loads.start()) {
            loads.awaitServing();
            long cut = System.nanoTime();
            hosts.cut(victim);
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> serving(victim) >= wanted);
                movedMillis = Duration.ofNanos(System.nanoTime() - cut).toMillis();
                long left = PARTITION.toMillis() - Duration.ofNanos(System.nanoTime() - cut).toMillis();
                if (left > 0) {
                    Thread.sleep(left);
                }
            } finally {
                hosts.heal(victim);
            }
            await("the healed agent stops the copies that moved away").atMost(Duration.ofSeconds(40))
                    .until(() -> copies.stream().noneMatch(ClusterFaultsEndToEndTest::alive));
            await().atMost(Duration.ofSeconds(20)).until(() -> agentStates().getOrDefault(victim, "").equals("ready"));
            loads.awaitMore();
            results = loads.stop();
        }
        report("agent " + victim + " cut off " + PARTITION.toSeconds() + " s; its " + copies.size()
                + " instance(s) served elsewhere after " + movedMillis + " ms", results);
        assertThat(settled(wanted, null)).as("exactly %d instances, all serving", wanted).isTrue();
        assertThat(instances()).hasSize(wanted);
        assertThat(agents.get(victim).output()).contains("event=zookeeper.lost");
        // a GET a router had just written to the cut host gets no acknowledgement: its connection ends after the
        // router's TCP user timeout (2 s) and the GET is retried on another instance rather than failing
        assertNoneFailed(results);
    }

    /**
     * Two of three members stopped for three sessions: no quorum, every session's deadline passes. Routers keep serving their
     * last table and agents their apps; once the quorum is back the cluster converges on what it ran, and works.
     */
    @Test
    @Order(4)
    void quorumLostForThreeSessionsStopsNothingAndEverythingReconverges() throws Exception {
        Set<Long> before = pids();
        int leader = zk.leader();
        List<Integer> stopped = List.of((leader + 1) % 3, (leader + 2) % 3);
        LoadLoop.Result[] results;
        try (Loads loads = Loads.start()) {
            loads.awaitServing();
            for (int member : stopped) {
                zk.kill(member);
            }
            try {
                Thread.sleep(QUORUM_LOSS.toMillis());
                // the API answers reads from the last known state and refuses writes at once
                assertThat(Http.get(api("/v1/cluster"), token).json().get("stateReachable").asBoolean()).isFalse();
                assertThat(instances()).hasSize(wanted);
                Http.Answer write = Http.send("PATCH", api("/v1/apps/" + APP), token, "application/json",
                        ("{\"instances\": " + (wanted + 1) + "}").getBytes());
                assertThat(write.status()).as(write.body()).isEqualTo(503);
                assertThat(before).as("every instance's process still runs at the end of the loss")
                        .allMatch(ClusterFaultsEndToEndTest::alive);
            } finally {
                for (int member : stopped) {
                    zk.startMember(member);
                }
            }
            zk.awaitQuorum(Duration.ofSeconds(30));
            await("agents and routers registered again, the instances as before").atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(250)).until(() -> settled(wanted, null)
                            && agentStates().values().stream().filter("ready"::equals).count() == 3
                            && liveRouters() == 2);
            loads.awaitMore();
            results = loads.stop();
        }
        // every agent's old session ends on the same server tick once the quorum is back: a router that rebuilt in
        // the moment before the nodes came back kept routing to the vanished instances (logged), never to none
        long kept = routers.values().stream()
                .mapToLong(r -> r.output().lines().filter(l -> l.contains("event=route.instance-vanished")).count())
                .sum();
        report("quorum lost " + QUORUM_LOSS.toSeconds() + " s (members " + (stopped.get(0) + 1) + ", "
                + (stopped.get(1) + 1) + " down; vanished instances kept by routers: " + kept + ")", results);
        assertNoneFailed(results);
        assertThat(pids()).as("nothing stopped, nothing added").isEqualTo(before);
        scale(++wanted); // the cluster works again: a new instance is placed and served
        await().atMost(Duration.ofSeconds(40)).until(() -> settled(wanted, null));
    }

    /**
     * The only controller killed (kill -9) and started again: nothing serves from it, so routers and agents carry on;
     * the restarted leader, once it trusts what it sees (a session timeout after it connects), withdraws and adds
     * nothing. A second controller taking over is not tested here.
     */
    @Test
    @Order(5)
    void theControllerKilledAndRestartedChangesNothingThatRuns() throws Exception {
        Set<Long> before = pids();
        LoadLoop.Result[] results;
        try (Loads loads = Loads.start()) {
            loads.awaitServing();
            controller.kill();
            Thread.sleep(3_000);
            assertThat(before).as("every instance's process runs on without a controller")
                    .allMatch(ClusterFaultsEndToEndTest::alive);
            startController("controller-restarted"); // a log of its own: it waits for its own start line
            // past what the new leader waits before it concludes anything (a session and a second), and 2 s more
            Thread.sleep(SESSION.plusSeconds(3).toMillis());
            loads.awaitMore();
            results = loads.stop();
        }
        report("controller killed and restarted", results);
        assertNoneFailed(results);
        assertThat(settled(wanted, null)).as("exactly %d instances, all serving", wanted).isTrue();
        assertThat(pids()).as("nothing stopped, nothing added").isEqualTo(before);
    }

    /**
     * One router killed: the other keeps serving without a failed request, and the dead one leaves the state, so
     * an edge in front of both (skep edge haproxy) sends the survivor everything.
     */
    @Test
    @Order(6)
    void aRouterKilledLeavesTheOtherServing() throws Exception {
        LoadLoop.Result survivor;
        try (LoadLoop r1 = LoadLoop.paced(hosts.address("r1"), HOST, routerPorts.get("r1"), 1, PACE);
             LoadLoop r2 = LoadLoop.paced(hosts.address("r2"), HOST, routerPorts.get("r2"), 1, PACE)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> r1.okSoFar() > 20 && r2.okSoFar() > 20);
            routers.get("r1").kill();
            r1.stop(); // its client would only count refused connections now
            long okThen = r2.okSoFar();
            await().atMost(Duration.ofSeconds(20)).until(() -> r2.okSoFar() > okThen + 100);
            survivor = r2.stop();
        }
        System.out.printf("faults: router r1 killed; r2: %d requests, %d failed%n", survivor.ok() + survivor.failed(),
                survivor.failed());
        assertThat(survivor.failed()).as("%s", survivor).isZero();
        assertThat(Http.hosted(hosts.address("r2"), routerPorts.get("r2"), HOST, "/").status()).isEqualTo(200);
        await("the dead router leaves the state with its session (an edge then stops sending it anything)")
                .atMost(Duration.ofSeconds(20)).until(() -> liveRouters() == 1);
    }

    // ---- the load ----

    /** A paced GET load on each router, counted apart. */
    record Loads(List<LoadLoop> loops) implements AutoCloseable {
        static Loads start() {
            List<LoadLoop> loops = new ArrayList<>();
            for (String r : routers.keySet()) {
                loops.add(LoadLoop.paced(hosts.address(r), HOST, routerPorts.get(r), 1, PACE));
            }
            return new Loads(loops);
        }

        long ok() {
            return loops.stream().mapToLong(LoadLoop::okSoFar).sum();
        }

        void awaitServing() {
            await().atMost(Duration.ofSeconds(10)).until(() -> loops.stream().allMatch(l -> l.okSoFar() > 20));
        }

        /** A few more seconds of answers once things settled: what comes after counts too. */
        void awaitMore() {
            long then = ok();
            await().atMost(Duration.ofSeconds(20)).until(() -> ok() > then + 100);
        }

        LoadLoop.Result[] stop() throws InterruptedException {
            LoadLoop.Result[] results = new LoadLoop.Result[loops.size()];
            for (int i = 0; i < results.length; i++) {
                results[i] = loops.get(i).stop();
            }
            return results;
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    private static void report(String what, LoadLoop.Result[] results) {
        long total = 0;
        long failed = 0;
        for (LoadLoop.Result r : results) {
            total += r.ok() + r.failed();
            failed += r.failed();
        }
        System.out.printf("faults: %s; %d requests through 2 routers, %d failed%n", what, total, failed);
    }

    private static void assertNoneFailed(LoadLoop.Result[] results) {
        for (LoadLoop.Result r : results) {
            assertThat(r.failed()).as("failed requests: %s", r).isZero();
            assertThat(r.ok()).isPositive();
        }
    }

    // ---- the cluster as the API and the hosts see it ----

    /**
     * True when the app has exactly {@code count} instances, all ready, none on {@code notOn} (a host id or null),
     * each answering 200 itself from its host's address.
     */
    static boolean settled(int count, String notOn) throws Exception {
        JsonNode instances = instances();
        if (instances.size() != count) {
            return false;
        }
        for (JsonNode i : instances) {
            appPids.add(i.get("pid").asLong());
            if (!"ready".equals(i.get("state").asText()) || (notOn != null && hostOf(i).equals(notOn))
                    || !answers(i.get("host").asText(), i.get("port").asInt())) {
                return false;
            }
        }
        return true;
    }

    /** How many of the app's instances are ready and answer 200 themselves, not counting those on {@code notOn}. */
    static int serving(String notOn) throws Exception {
        int n = 0;
        for (JsonNode i : instances()) {
            appPids.add(i.get("pid").asLong());
            if ("ready".equals(i.get("state").asText()) && !hostOf(i).equals(notOn)
                    && answers(i.get("host").asText(), i.get("port").asInt())) {
                n++;
            }
        }
        return n;
    }

    static boolean answers(String address, int port) {
        try {
            return Http.plain("http://" + address + ":" + port + "/").status() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    static String hostOf(JsonNode instance) {
        return String.valueOf(hosts.hostOf(instance.get("host").asText()));
    }

    static Set<String> hostsOfInstances() throws Exception {
        Set<String> on = new HashSet<>();
        instances().forEach(i -> on.add(hostOf(i)));
        return on;
    }

    static Set<Long> pids() throws Exception {
        Set<Long> pids = new HashSet<>();
        instances().forEach(i -> pids.add(i.get("pid").asLong()));
        appPids.addAll(pids);
        return pids;
    }

    static List<Long> pidsOn(String agent) throws Exception {
        List<Long> pids = new ArrayList<>();
        for (JsonNode i : instances()) {
            if (hostOf(i).equals(agent)) {
                pids.add(i.get("pid").asLong());
            }
        }
        appPids.addAll(pids);
        return pids;
    }

    static String busiestAgent() throws Exception {
        Map<String, Integer> counts = new LinkedHashMap<>();
        instances().forEach(i -> counts.merge(hostOf(i), 1, Integer::sum));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static JsonNode instances() throws Exception {
        return Http.get(api("/v1/apps/" + APP), token).json().get("instances");
    }

    static Map<String, String> agentStates() throws Exception {
        Map<String, String> states = new LinkedHashMap<>();
        for (JsonNode a : Http.get(api("/v1/agents"), token).json()) {
            states.put(a.get("id").asText(), a.get("state").asText());
        }
        return states;
    }

    static int liveRouters() throws Exception {
        return Http.get(api("/v1/cluster"), token).json().get("routers").size();
    }

    static void scale(int instances) throws Exception {
        Http.Answer answer = Http.send("PATCH", api("/v1/apps/" + APP), token, "application/json",
                ("{\"instances\": " + instances + "}").getBytes());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    static URI api(String path) {
        return URI.create("http://" + hosts.rootAddress() + ":" + apiPort + path);
    }
}
