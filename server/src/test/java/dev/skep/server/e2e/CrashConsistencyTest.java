package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of `skep server` at 20 random moments during deploys, env changes and scaling. After
 * each restart: every app serves a release at least as new as the last one acknowledged, one
 * that is complete and listed (no half release), with as many ready instances as it wants, and
 * exactly one node process per instance (none orphaned, none duplicated). The randomness is
 * seeded; the seed is printed, and -Dskep.crash.seed=N replays a run.
 */
class CrashConsistencyTest {

    private static final int KILLS = 20;
    private static final List<String> APPS = List.of("alice/web", "alice/api", "bob/shop");

    @TempDir
    Path dir;

    SkepServerProcess server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** What the test knows for sure about an app: the newest release and size a client saw succeed. */
    static final class Known {
        int release;
        int instances = 1;
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES) // 20 restarts: 3-4 min alone, over 6 on a loaded host
    void killsAtRandomMomentsLoseNothing() throws Exception {
        long seed = Long.getLong("skep.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("crash consistency: seed " + seed + " (replay with -Dskep.crash.seed=" + seed + ")");
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        Map<String, Known> known = new TreeMap<>();
        for (String app : APPS) {
            Http.Answer first = deploy(app, random);
            assertThat(first.status()).as(first.body()).isEqualTo(201);
            known.computeIfAbsent(app, a -> new Known()).release = first.json().get("release").asInt();
        }
        int kills = 0;
        int restarts = 0;
        int acknowledged = 0;
        int interrupted = 0;
        List<String> log = new ArrayList<>();
        try {
            for (int round = 1; round <= KILLS; round++) {
                String app = APPS.get(random.nextInt(APPS.size()));
                int op = random.nextInt(3);
                int instances = 1 + random.nextInt(3);
                long killAfterMs = 50 + random.nextInt(1500);
                AtomicReference<Http.Answer> answer = new AtomicReference<>();
                Thread client = Thread.ofVirtual().start(() -> {
                    try {
                        answer.set(switch (op) {
                            case 0 -> deploy(app, random);
                            case 1 -> Http.send("PATCH", server.api("/v1/apps/" + app + "/env"), server.token(),
                                    "application/json", ("{\"set\": {\"ROUND\": \"r" + killAfterMs + "\"}}").getBytes());
                            default -> Http.send("PATCH", server.api("/v1/apps/" + app), server.token(),
                                    "application/json", ("{\"instances\": " + instances + "}").getBytes());
                        });
                    } catch (IOException | InterruptedException killed) {
                        // the server died under the request: no answer, nothing acknowledged
                    }
                });
                Thread.sleep(killAfterMs); // not waiting for a condition: choosing the moment of the crash
                server.kill();
                kills++;
                client.join(30_000);
                Http.Answer got = answer.get();
                Known k = known.get(app);
                String what = new String[] {"deploy", "env", "scale"}[op];
                if (got != null && got.status() / 100 == 2) {
                    acknowledged++;
                    if (op == 2) {
                        k.instances = instances;
                    } else {
                        k.release = Math.max(k.release, got.json().get("release").asInt());
                    }
                } else {
                    interrupted++;
                }
                String outcome = "round " + round + ": " + what + " " + app + " killed after " + killAfterMs + " ms, "
                        + (got == null ? "no answer" : "answered " + got.status());
                log.add(outcome);

                long restarting = System.nanoTime();
                server = new SkepServerProcess(server.dataDir, List.of(), Map.of(), server.apiPort, server.routerPort,
                        server.firstAppPort).start();
                restarts++;
                long up = System.nanoTime();
                for (String each : APPS) {
                    settled(each, known.get(each), round);
                }
                noOrphansNorDuplicates(round);
                // where a slow run spent its time
                log.set(log.size() - 1, outcome + "; up again in " + (up - restarting) / 1_000_000 + " ms, settled "
                        + (System.nanoTime() - up) / 1_000_000 + " ms later");
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("crash consistency failed with seed " + seed + " (replay with -Dskep.crash.seed="
                    + seed + ")\n" + String.join("\n", log) + "\nwhat failed: " + e.getMessage(), e);
        }
        System.out.printf("crash consistency: %d kills, %d restarts, %d changes acknowledged, %d interrupted, "
                + "%d/%d apps serving their last good release after every restart, 0 orphans, 0 duplicates%n",
                kills, restarts, acknowledged, interrupted, APPS.size(), APPS.size());
        log.forEach(System.out::println);
    }

    /** The app runs a complete release at least as new as the last acknowledged, on all the instances it wants. */
    private void settled(String app, Known k, int round) {
        await("round " + round + ": " + app + " settles").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    JsonNode view = Http.get(server.api("/v1/apps/" + app), server.token()).json();
                    int release = view.get("release").asInt();
                    assertThat(release).as(app + " release").isGreaterThanOrEqualTo(k.release);
                    assertThat(view.get("releases").findValues("number").stream().map(JsonNode::asInt))
                            .as(app + " lists its release").contains(release);
                    assertThat(view.get("state").asText()).as(app + " state").isEqualTo("running");
                    int wanted = view.get("instancesWanted").asInt();
                    List<JsonNode> instances = new ArrayList<>();
                    view.get("instances").forEach(instances::add);
                    assertThat(instances).as(app + " instances").hasSize(wanted)
                            .allMatch(i -> i.get("release").asInt() == release && i.get("state").asText().equals("ready"));
                    for (JsonNode i : instances) {
                        assertThat(Http.plain("http://127.0.0.1:" + i.get("port").asInt() + "/").body())
                                .startsWith("hello from " + i.get("instance").asText());
                    }
                    k.release = release; // what serves now is the last good release from here on
                });
    }

    /** Every node process of this server's port range belongs to exactly one instance the API reports. */
    private void noOrphansNorDuplicates(int round) throws Exception {
        await("round " + round + ": processes match instances").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    Map<String, Integer> processes = instanceProcesses();
                    Map<String, Integer> reported = new HashMap<>();
                    for (String app : APPS) {
                        Http.get(server.api("/v1/apps/" + app), server.token()).json().get("instances")
                                .forEach(i -> reported.put(i.get("instance").asText(), 1));
                    }
                    assertThat(processes).as("node processes by SKEP_INSTANCE (orphans, duplicates)")
                            .isEqualTo(reported);
                });
    }

    /** SKEP_INSTANCE -> how many live processes carry it, for apps on this server's port range. */
    private Map<String, Integer> instanceProcesses() throws IOException {
        Map<String, Integer> out = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path proc : procs) {
                Map<String, String> env = environ(proc);
                String instance = env.get("SKEP_INSTANCE");
                String port = env.get("PORT");
                if (instance == null || port == null || !APPS.contains(env.get("SKEP_APP"))) {
                    continue;
                }
                int p = Integer.parseInt(port);
                if (p >= server.firstAppPort && p < server.firstAppPort + 100 && !zombie(proc)) {
                    out.merge(instance, 1, Integer::sum);
                }
            }
        }
        return out;
    }

    private static Map<String, String> environ(Path proc) {
        Map<String, String> env = new HashMap<>();
        try {
            for (String kv : new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8).split("\0")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        } catch (IOException gone) {
            return Map.of();
        }
        return env;
    }

    private static boolean zombie(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException gone) {
            return true;
        }
    }

    /** A new release: the hello app plus a file that makes each upload (and slug) different. */
    private Http.Answer deploy(String app, Random random) throws IOException, InterruptedException {
        String nonce = Long.toHexString(random.nextLong());
        byte[] tarball = Tars.of(tar -> {
            Tars.file(tar, "package.json", Files.readString(Fixtures.app("hello").resolve("package.json")), 0644);
            Tars.file(tar, "server.js", Files.readString(Fixtures.app("hello").resolve("server.js")), 0644);
            Tars.file(tar, "nonce.txt", nonce, 0644);
        });
        return Http.send("POST", server.api("/v1/apps/" + app + "/releases"), server.token(), "application/gzip", tarball);
    }
}
