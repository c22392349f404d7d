import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.HeartbeatPace;
import dev.skep.model.Assignment;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.json.SkepJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * skep issue 15 §6: N simulated agents against a real ensemble and a real controller and router. Each agent is one
 * ZooKeeper session with the cluster secret's digest, and writes what a real agent writes (state module:
 * ZkAgents / AgentHeartbeat / ZkInstances): an ephemeral /skep/agents/ID (AgentInfo JSON), an ephemeral
 * /skep-heartbeats/ID rewritten from its registration on at the pace the leader publishes on /skep-heartbeats (HeartbeatPace: 500 ms until
 * it publishes one; one watch in this process re-paces all agents, spread over the interval; "MILLIS 0": no memory
 * budget), and for each assignment the scheduler
 * puts under /skep/assignments/ID an ephemeral /skep/instances/INSTANCE with state READY. Every instance points at
 * one HTTP listener of this process (200 "ok"), so the router's route to it is a real one.
 *
 * Apps: one template app (bench/tpl) is deployed through the API (a real build) once the agents are up; the APPS seeded apps are copies of
 * its spec and release 1 written straight into ZooKeeper (one multi-op each, as ZkApps does when a deploy creates an
 * app) with 1 instance: a build per app through the API would take ~APPS seconds of builds, not scheduling. The
 * PROBES measured apps are seeded with 0 instances and scaled to 1 through the API (PATCH), one at a time.
 *
 * Usage: ScaleSim ZK SECRET_FILE API TOKEN ROUTER_PORT CONTROLLER_PID AGENTS APPS PROBES KILL TEMPLATE_TGZ
 */
public final class ScaleSim {

    static final String USER = "bench";
    static final long START = System.nanoTime();
    static PrintStream out = System.out;

    final String zkConnect;
    final List<ACL> acl;
    final String secret;
    final List<Agent> agents = new ArrayList<>();
    final Map<String, Long> placedAt = new ConcurrentHashMap<>(); // app name -> nanos of its newest assignment seen
    final Map<String, String> placedOn = new ConcurrentHashMap<>(); // app name -> agent
    final ScheduledExecutorService beats = Executors.newScheduledThreadPool(2);
    final List<ScheduledFuture<?>> beating = new ArrayList<>(); // guarded by itself
    volatile HeartbeatPace pace = HeartbeatPace.initial();
    int httpPort;

    ScaleSim(String zkConnect, String secret) throws NoSuchAlgorithmException {
        this.zkConnect = zkConnect;
        this.secret = secret;
        String digest = DigestAuthenticationProvider.generateDigest("skep:" + secret);
        this.acl = new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest))));
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static void log(String s) {
        System.err.printf("[sim %.1fs] %s%n", (System.nanoTime() - START) / 1e9, s);
    }

    ZooKeeper connect() throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(zkConnect, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        zk.addAuthInfo("digest", ("skep:" + secret).getBytes(StandardCharsets.UTF_8));
        if (!up.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no ZooKeeper session in 30 s at " + zkConnect);
        }
        return zk;
    }

    void ensure(ZooKeeper zk, String path) throws Exception {
        try {
            zk.create(path, new byte[0], acl, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException fine) {
            // there already
        }
    }

    /** Beats every agent at the published pace, now and at each change (as AgentHeartbeat does, one watch for all). */
    void followPace(ZooKeeper admin) throws Exception {
        byte[] data;
        try {
            data = admin.getData("/skep-heartbeats", e -> {
                try {
                    followPace(admin);
                } catch (Exception failed) {
                    log("re-reading the heartbeat pace failed: " + failed);
                }
            }, null);
        } catch (KeeperException.NoNodeException none) {
            data = null;
        }
        HeartbeatPace next = HeartbeatPace.parse(data).orElse(HeartbeatPace.initial());
        synchronized (beating) {
            if (next.equals(pace)) {
                return;
            }
            beating.forEach(f -> f.cancel(false));
            beating.clear();
            pace = next;
            long interval = next.interval().toMillis();
            for (int i = 0; i < agents.size(); i++) { // spread, but never later than an interval after its last beat
                Agent a = agents.get(i);
                long first = next.firstBeatMillis(interval * i / Math.max(1, agents.size()),
                        (System.nanoTime() - a.lastBeat) / 1_000_000);
                beating.add(beats.scheduleAtFixedRate(a::tick, first, interval, TimeUnit.MILLISECONDS));
            }
        }
        log("agents beat every " + next.interval().toMillis() + " ms");
    }

    /** An agent beats from its registration on, as a real one does (AgentHeartbeat starts with registerAgent). */
    void register(Agent a) {
        synchronized (beating) {
            agents.add(a);
            long interval = pace.interval().toMillis();
            beating.add(beats.scheduleAtFixedRate(a::tick, interval, interval, TimeUnit.MILLISECONDS));
        }
    }

    /** One simulated agent: a session, its registration, its beat, and its assignments acknowledged as READY. */
    final class Agent {
        final String id;
        final ZooKeeper zk;
        final Set<String> known = ConcurrentHashMap.newKeySet();
        volatile boolean beating = true;
        volatile long lastBeat = System.nanoTime(); // its registration counts as one

        Agent(String id) throws Exception {
            this.id = id;
            this.zk = connect();
            AgentInfo info = new AgentInfo(id, "127.0.0.1", 1000, "sim", Instant.now());
            zk.create("/skep/agents/" + id, SkepJson.MAPPER.writeValueAsBytes(info), acl, CreateMode.EPHEMERAL);
            zk.create("/skep-heartbeats/" + id, beat(), acl, CreateMode.EPHEMERAL);
            String dir = "/skep/assignments/" + id;
            zk.addWatch(dir, e -> {
                if (e.getType() == Watcher.Event.EventType.NodeChildrenChanged
                        || e.getType() == Watcher.Event.EventType.NodeCreated) {
                    sync();
                }
            }, AddWatchMode.PERSISTENT);
            sync();
        }

        byte[] beat() {
            return (System.currentTimeMillis() + " 0").getBytes(StandardCharsets.US_ASCII);
        }

        void tick() {
            if (beating) {
                lastBeat = System.nanoTime();
                zk.setData("/skep-heartbeats/" + id, beat(), -1, (rc, path, ctx, stat) -> { }, null);
            }
        }

        /** Acknowledges new assignments (instance READY on this host's listener) and drops removed ones. */
        synchronized void sync() {
            if (!beating) {
                return; // a vanished agent acknowledges nothing
            }
            try {
                List<String> now;
                try {
                    now = zk.getChildren("/skep/assignments/" + id, false);
                } catch (KeeperException.NoNodeException none) {
                    now = List.of();
                }
                long seen = System.nanoTime();
                for (String instance : now) {
                    if (known.add(instance)) {
                        byte[] data = zk.getData("/skep/assignments/" + id + "/" + instance, false, null);
                        Assignment a = SkepJson.MAPPER.readValue(data, Assignment.class);
                        placedAt.put(a.app().name(), seen);
                        placedOn.put(a.app().name(), id);
                        InstanceStatus status = new InstanceStatus(instance, a.app(), a.release().number(), id,
                                "127.0.0.1", httpPort, 1, InstanceState.READY, Instant.now(), 0, null, null);
                        try {
                            zk.create("/skep/instances/" + instance, SkepJson.MAPPER.writeValueAsBytes(status), acl,
                                    CreateMode.EPHEMERAL);
                        } catch (KeeperException.NodeExistsException e) {
                            zk.setData("/skep/instances/" + instance, SkepJson.MAPPER.writeValueAsBytes(status), -1);
                        }
                    }
                }
                for (String gone : new ArrayList<>(known)) {
                    if (!now.contains(gone)) {
                        known.remove(gone);
                        try {
                            zk.delete("/skep/instances/" + gone, -1);
                        } catch (KeeperException.NoNodeException fine) {
                            // already gone
                        }
                    }
                }
            } catch (Exception e) {
                log("agent " + id + " sync failed: " + e);
            }
        }
    }

    static ObjectNode renamed(JsonNode template, String name) {
        ObjectNode copy = template.deepCopy();
        rename(copy, name);
        return copy;
    }

    static void rename(JsonNode node, String name) {
        if (node instanceof ObjectNode o) {
            if ("tpl".equals(o.path("name").asText(null)) && USER.equals(o.path("user").asText(null))) {
                o.put("name", name);
            }
            o.properties().forEach(e -> rename(e.getValue(), name));
        } else if (node.isArray()) {
            node.forEach(n -> rename(n, name));
        }
    }

    /** ZooKeeper's last zxid, from `srvr` on the first server (4lw whitelisted by scale.sh). */
    long zxid() {
        String first = zkConnect.split(",")[0];
        String[] hp = first.split(":");
        try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
            s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("Zxid:")) {
                    return Long.decode(line.substring(5).strip()) & 0xffffffffL; // the counter within the epoch
                }
            }
        } catch (Exception e) {
            log("srvr failed: " + e);
        }
        return -1;
    }

    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    static String pct(List<Double> values) {
        if (values.isEmpty()) {
            return "none";
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        double p50 = s.get((int) Math.ceil(0.50 * s.size()) - 1);
        double p99 = s.get((int) Math.ceil(0.99 * s.size()) - 1);
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", p50, p99, s.get(s.size() - 1), s.size());
    }

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1); // the sessions' threads would keep the JVM up
        }
    }

    static void run(String[] args) throws Exception {
        String zkConnect = args[0];
        String secret = Files.readString(Path.of(args[1])).strip();
        String api = args[2];
        String token = args[3];
        int routerPort = Integer.parseInt(args[4]);
        long controllerPid = Long.parseLong(args[5]);
        int nAgents = Integer.parseInt(args[6]);
        int nApps = Integer.parseInt(args[7]);
        int nProbes = Integer.parseInt(args[8]);
        int nKill = Integer.parseInt(args[9]);
        ScaleSim sim = new ScaleSim(zkConnect, secret);

        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        http.createContext("/", ex -> {
            byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, ok.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(ok);
            }
        });
        http.setExecutor(Executors.newFixedThreadPool(4));
        http.start();
        sim.httpPort = http.getAddress().getPort();

        ZooKeeper admin = sim.connect();
        sim.ensure(admin, "/skep-heartbeats");
        sim.ensure(admin, "/skep/assignments");
        out.printf("controller RSS before agents: %.1f MiB%n", rssKib(controllerPid) / 1024.0);

        // ---- agents ----
        long t = System.nanoTime();
        sim.followPace(admin);
        for (int i = 0; i < nAgents; i++) {
            sim.register(sim.new Agent(String.format("sim%04d", i)));
        }
        out.printf("%d simulated agents registered in %.1f s%n", nAgents, (System.nanoTime() - t) / 1e9);
        Thread.sleep(3000);
        long z0 = sim.zxid();
        long tz = System.nanoTime();
        Thread.sleep(5000);
        double idleRate = (sim.zxid() - z0) / ((System.nanoTime() - tz) / 1e9);
        out.printf("ZooKeeper write rate, %d agents beating, no apps: %.0f writes/s%n", nAgents, idleRate);

        // ---- the template app, deployed through the API (its deploy waits for its instance: agents first) ----
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        t = System.nanoTime();
        HttpResponse<String> deployed = client.send(HttpRequest.newBuilder(
                        URI.create(api + "/v1/apps/" + USER + "/tpl/releases"))
                .POST(HttpRequest.BodyPublishers.ofFile(Path.of(args[10])))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/gzip").build(),
                HttpResponse.BodyHandlers.ofString());
        if (deployed.statusCode() != 201) {
            throw new IllegalStateException("deploy of bench/tpl answered " + deployed.statusCode() + " "
                    + deployed.body());
        }
        out.printf("template app bench/tpl deployed through the API in %.1f s%n", (System.nanoTime() - t) / 1e9);

        // ---- seed apps: copies of bench/tpl, 1 instance each; the probes with 0 ----
        String tplPath = "/skep/apps/" + USER + "/tpl";
        JsonNode spec = SkepJson.MAPPER.readTree(admin.getData(tplPath, false, null));
        JsonNode release = SkepJson.MAPPER.readTree(admin.getData(tplPath + "/releases/1", false, null));
        t = System.nanoTime();
        z0 = sim.zxid();
        int total = nApps + nProbes;
        CountDownLatch seeded = new CountDownLatch(total);
        for (int i = 0; i < total; i++) {
            String name = i < nApps ? String.format("s%05d", i) : String.format("p%04d", i - nApps);
            ObjectNode s = renamed(spec, name);
            s.put("instances", i < nApps ? 1 : 0);
            ObjectNode r = renamed(release, name);
            String path = "/skep/apps/" + USER + "/" + name;
            admin.multi(List.of(
                    Op.create(path, SkepJson.MAPPER.writeValueAsBytes(s), sim.acl, CreateMode.PERSISTENT),
                    Op.create(path + "/releases", new byte[0], sim.acl, CreateMode.PERSISTENT),
                    Op.create(path + "/releases/1", SkepJson.MAPPER.writeValueAsBytes(r), sim.acl,
                            CreateMode.PERSISTENT)), (rc, p, ctx, results) -> {
                if (rc != 0) {
                    log("seed " + p + " failed rc=" + rc);
                }
                seeded.countDown();
            }, null);
        }
        seeded.await();
        double seedSecs = (System.nanoTime() - t) / 1e9;
        out.printf("%d apps (+%d probe apps) written to ZooKeeper in %.1f s%n", nApps, nProbes, seedSecs);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(120, nApps / 10));
        int placed = 0;
        while (System.nanoTime() < deadline) {
            placed = (int) sim.placedAt.keySet().stream().filter(n -> n.startsWith("s")).count();
            if (placed >= nApps) {
                break;
            }
            Thread.sleep(200);
        }
        double placeAllSecs = (System.nanoTime() - t) / 1e9;
        double seedRate = (sim.zxid() - z0) / placeAllSecs;
        out.printf("all %d seeded apps placed and acknowledged READY: %d after %.1f s (%.0f ZooKeeper writes/s meanwhile)%n",
                nApps, placed, placeAllSecs, seedRate);
        out.printf("controller RSS with %d agents, %d instances: %.1f MiB%n", nAgents, placed,
                rssKib(controllerPid) / 1024.0);
        Thread.sleep(3000);
        z0 = sim.zxid();
        tz = System.nanoTime();
        Thread.sleep(5000);
        out.printf("ZooKeeper write rate at rest, %d agents, %d apps: %.0f writes/s%n", nAgents, placed,
                (sim.zxid() - z0) / ((System.nanoTime() - tz) / 1e9));

        // ---- probes: PATCH instances 1 -> assignment seen (placement) -> router answers 200 (route) ----
        List<Double> place = new ArrayList<>();
        List<Double> route = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < nProbes; i++) {
            String name = String.format("p%04d", i);
            long t0 = System.nanoTime();
            HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create(api + "/v1/apps/" + USER + "/" + name))
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"instances\": 1}"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() / 100 != 2) {
                throw new IllegalStateException("PATCH " + name + " answered " + res.statusCode() + " " + res.body());
            }
            long end = t0 + TimeUnit.SECONDS.toNanos(30);
            Long p = null;
            boolean routed = false;
            while (System.nanoTime() < end) {
                if (p == null) {
                    p = sim.placedAt.get(name);
                }
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routerPort + "/"))
                        .header("Host", name + "." + USER + ".localhost").timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && "ok".equals(r.body())) {
                    routed = true;
                    break;
                }
                Thread.sleep(2);
            }
            long t1 = System.nanoTime();
            if (p == null) {
                p = sim.placedAt.get(name);
            }
            if (!routed || p == null) {
                failed++;
                log("probe " + name + " not placed+routed in 30 s");
                continue;
            }
            place.add(ms(p - t0));
            route.add(ms(t1 - t0));
        }
        out.printf("new app (PATCH instances 0->1 through the API) -> placed on an agent: %s%n", pct(place));
        out.printf("new app -> its route answers 200 through the router: %s; failed %d%n", pct(route), failed);

        // ---- KILL agents vanish at once: beats stop, nothing answered; time until their apps are placed elsewhere ----
        List<Agent> victims = sim.agents.subList(0, Math.min(nKill, sim.agents.size()));
        Set<String> victimIds = new HashSet<>();
        victims.forEach(v -> victimIds.add(v.id));
        Set<String> moved = new HashSet<>();
        sim.placedOn.forEach((app, agent) -> {
            if (victimIds.contains(agent)) {
                moved.add(app);
            }
        });
        z0 = sim.zxid();
        long k0 = System.nanoTime();
        for (Agent v : victims) {
            v.beating = false;
        }
        List<Double> resched = new ArrayList<>();
        Set<String> pending = new HashSet<>(moved);
        deadline = k0 + TimeUnit.SECONDS.toNanos(120);
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (var it = pending.iterator(); it.hasNext(); ) {
                String app = it.next();
                String on = sim.placedOn.get(app);
                if (on != null && !victimIds.contains(on)) {
                    resched.add(ms(sim.placedAt.get(app) - k0));
                    it.remove();
                }
            }
            Thread.sleep(20);
        }
        double killSecs = (System.nanoTime() - k0) / 1e9;
        out.printf("%d agents vanish at once (beats stop, sessions kept: a hung or cut-off host; beats every %d ms, "
                + "silent after %.1f s): %d of their %d apps placed on live agents; per app %s; all within %.2f s "
                + "(%.0f ZooKeeper writes/s meanwhile)%n", victims.size(), sim.pace.interval().toMillis(),
                sim.pace.silence().toMillis() / 1000.0, resched.size(), moved.size(),
                pct(resched), killSecs, (sim.zxid() - z0) / killSecs);
        out.printf("controller RSS at the end: %.1f MiB%n", rssKib(controllerPid) / 1024.0);
        // the sessions close first, beating until then: beats stopped before a close still pending would make the
        // controller (rightly) call those agents silent, which the run would count as false silences
        // one by one, a close waits for its session's end: a minute at 200 agents
        try (var closing = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Agent a : sim.agents) {
                closing.execute(() -> {
                    try {
                        a.zk.close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
        sim.beats.shutdownNow();
        admin.close();
        http.stop(0);
    }
}
