package dev.skep.supervise;

import dev.skep.model.AppId;
import dev.skep.model.Assignment;
import dev.skep.model.Event;
import dev.skep.model.InstanceIds;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Release;
import dev.skep.model.SlugStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/** One fake cluster, agents on a temp data dir, fixture apps as slugs; kills only pids it saw. */
final class AgentHarness implements AutoCloseable {

    static final Path REPO = Path.of(System.getProperty("skep.repo", "..")).toAbsolutePath().normalize();
    static final Path NODE = AgentConfig.findNode(System.getenv("PATH"));
    static final String AGENT = "agent-1";

    final InMemoryClusterState state = new InMemoryClusterState();
    final List<Event> events = new CopyOnWriteArrayList<>();
    /**
     * Slug ids are paths relative to the repo, e.g. fixtures/apps/hello; each is copied into the
     * data dir first, as a real slug store holds its own copy (the agent chowns it to the app's uid).
     */
    final SlugStore slugs = this::copyOfFixture;
    final Path dataDir;
    private final List<Agent> agents = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    AgentHarness(Path dataDir) {
        this.dataDir = dataDir;
    }

    private synchronized Path copyOfFixture(String slug) throws IOException {
        Path copy = dataDir.resolve("slugs").resolve(slug.replace('/', '_'));
        if (!Files.isDirectory(copy)) {
            Path source = REPO.resolve(slug);
            Files.createDirectories(copy.getParent());
            // apps run under their own uid when root: as in a real data dir (0711), they may pass through. The data
            // dir and what is below it only: its parent is the machine's /tmp, which this once turned 0711 (no
            // sticky bit, no one else could write there), breaking every other user of /tmp on the machine
            for (Path d = copy.getParent(); d != null && d.startsWith(dataDir); d = d.getParent()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
            }
            try (var paths = Files.walk(source)) {
                for (Path p : (Iterable<Path>) paths::iterator) {
                    Files.copy(p, copy.resolve(source.relativize(p).toString()));
                }
            }
        }
        return copy;
    }

    /** Where the agent runs a fixture from. */
    Path slugDir(String slug) {
        return dataDir.resolve("slugs").resolve(slug.replace('/', '_'));
    }

    AgentConfig config() {
        return AgentConfig.defaults(AGENT, "127.0.0.1", dataDir, NODE)
                .withPorts(31000, 31999)
                .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(3))
                .withRestart(new RestartPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.1,
                        Duration.ofSeconds(1), 3));
    }

    Agent start(AgentConfig config) {
        return start(config, AgentHooks.none());
    }

    Agent start(AgentConfig config, AgentHooks hooks) {
        return start(config, hooks, slugs);
    }

    /** An agent that gets its slugs from {@code store} (one that fails at times, say). */
    Agent start(AgentConfig config, AgentHooks hooks, SlugStore store) {
        Agent agent = new Agent(config, state, store, events::add, Clock.systemUTC(), AgentSetup.plain().withHooks(hooks));
        agents.add(agent);
        agent.start();
        return agent;
    }

    Agent start() {
        return start(config());
    }

    static String testApp(String name) {
        return "supervise/src/test/resources/apps/" + name;
    }

    static String fixture(String name) {
        return "fixtures/apps/" + name;
    }

    /** Assigns one instance of a new release to the agent; returns the instance id. */
    String assign(String appName, String slug, List<String> command, Map<String, String> env) {
        return assign(appName, slug, command, env, null);
    }

    /** @param node the Node version the release names, e.g. "22.23.5", or null: the host's */
    String assign(String appName, String slug, List<String> command, Map<String, String> env, String node) {
        AppId app = new AppId("alice", appName);
        Release release = new Release(app, 1, "sha", slug, command, env, Instant.now(), "alice", "test", node);
        String id = InstanceIds.next(app, 1);
        state.putAssignment(new Assignment(id, AGENT, release, 0, Instant.now()));
        return id;
    }

    /** Assigns instance 1 of process type {@code type} (its command) of a new release; returns its id. */
    String assignProcess(String appName, String slug, String type, List<String> command) {
        AppId app = new AppId("alice", appName);
        Release release = new Release(app, 1, "sha", slug, List.of(), Map.of(), Instant.now(), "alice", "test",
                Map.of(type, command), List.of());
        String id = InstanceIds.next(app, 1, type, 1);
        state.putAssignment(new Assignment(id, AGENT, release, 0, Instant.now()));
        return id;
    }

    String assign(String appName, String slug, String script) {
        return assign(appName, slug, List.of("node", script), Map.of());
    }

    void unassign(String id) {
        state.removeAssignment(AGENT, id);
    }

    Optional<InstanceStatus> status(String id) {
        return state.instance(id);
    }

    InstanceStatus awaitState(String id, InstanceState wanted) {
        return awaitState(id, wanted, Duration.ofSeconds(30));
    }

    InstanceStatus awaitState(String id, InstanceState wanted, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(() -> status(id).map(s -> s.state() == wanted).orElse(false));
        return status(id).orElseThrow();
    }

    /**
     * The events of a type about an instance, waiting up to 2 s for the first: a runner publishes a state, then emits
     * its event, so a test that just saw the state may ask a moment before the event is there.
     */
    List<Event> events(String type, String instance) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        List<Event> found = matching(type, instance);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            found = matching(type, instance);
        }
        return found;
    }

    private List<Event> matching(String type, String instance) {
        return events.stream().filter(e -> e.type().equals(type) && instance.equals(e.instance())).toList();
    }

    String get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** GET that is expected to kill the app: the connection may drop. */
    void getAndDrop(int port, String path) {
        try {
            get(port, path);
        } catch (IOException expected) {
            // the app exited while answering
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean alive(long pid) {
        return ProcessTree.stat(pid).filter(s -> !s.zombie()).isPresent();
    }

    /** Pids whose environment names this instance: there must never be two. */
    static Set<Long> processesOf(String instance) {
        Set<Long> out = new HashSet<>();
        for (ProcessTree.Stat stat : ProcessTree.all()) {
            if (stat.zombie()) {
                continue;
            }
            try {
                String env = Files.readString(Path.of("/proc", Long.toString(stat.pid()), "environ"));
                if (env.contains("SKEP_INSTANCE=" + instance + "\0")) {
                    out.add(stat.pid());
                }
            } catch (IOException | RuntimeException gone) {
                // exited meanwhile, or not readable
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        for (Agent agent : agents) {
            agent.close();
        }
        // apps left running on purpose (keepAppsOnClose) or by a failure: kill only pids we saw
        Set<String> instances = new HashSet<>();
        for (InstanceStatus status : state.history) {
            instances.add(status.instance());
        }
        for (String instance : instances) {
            for (long pid : processesOf(instance)) { // a pid whose environment says it is ours
                ProcessTree.signalGroup(pid, "KILL");
                ProcessTree.killAll(List.of(pid));
            }
        }
        state.close();
        unmountDisks();
    }

    /** Apps' disk images an agent left mounted (it kept its apps): the temp dir could not be deleted otherwise. */
    private void unmountDisks() {
        try {
            String root = dataDir.toAbsolutePath().normalize().toString() + "/";
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String point = line.split(" ")[4];
                if (point.startsWith(root)) {
                    new ProcessBuilder("umount", point).inheritIO().start().waitFor();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
