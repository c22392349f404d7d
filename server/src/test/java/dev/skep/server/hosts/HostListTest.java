package dev.skep.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AgentInfo;
import dev.skep.model.RouterEndpoint;
import dev.skep.state.EmbeddedZooKeeper;
import dev.skep.state.StateConnection;
import dev.skep.state.ZkAcl;
import dev.skep.state.ZkClusterState;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `skep hosts` against a real ZooKeeper (issue 12: "lists hosts with role, address, version, state (installing /
 * ready / unreachable / draining), instances and load"): each recorded host's state as the cluster says it now.
 */
class HostListTest {

    static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    EmbeddedZooKeeper zk;
    StateConnection connection;
    ZkClusterState cluster;
    Path data;

    @BeforeEach
    void start() throws Exception {
        data = Files.createDirectories(dir.resolve("data"));
        zk = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        connection = StateConnection.open(zk.connectString(), Duration.ofSeconds(5), Duration.ofSeconds(10),
                ZkAcl.inDataDir(data));
        cluster = new ZkClusterState(connection.client(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        cluster.close();
        connection.close();
        zk.close();
    }

    void recorded(String id, String role, String address, String state) throws Exception {
        new HostRecord(id, "ssh://root@" + address, role, "/opt/skep", address, "detached", "0.1.0", state,
                Instant.parse("2026-12-07T12:00:00Z"), null, "/root/.ssh/known_hosts", null, false, null).save(data);
    }

    @Test
    void eachHostSaysItsStateInstancesAndLoadAsTheClusterSeesIt() throws Exception {
        recorded("10-0-0-5", "agent", "10.0.0.5", "ready");
        recorded("10-0-0-6", "agent", "10.0.0.6", "ready");
        recorded("10-0-0-7", "agent", "10.0.0.7", "ready");
        recorded("10-0-0-9", "agent", "10.0.0.9", "installing");
        recorded("router-10-0-0-8", "router", "10.0.0.8", "ready");
        recorded("router-10-0-0-10", "router", "10.0.0.10", "ready");
        // 10-0-0-6 and router-10-0-0-10 never joined (or left); 10-0-0-7 says nothing of its memory and drains
        cluster.registerAgent(new AgentInfo("10-0-0-5", "10.0.0.5", 10, "0.2.0", Instant.now(), 8 * GIB, GIB / 2, 2,
                Map.of(), 2 * GIB));
        cluster.registerAgent(new AgentInfo("10-0-0-7", "10.0.0.7", 10, "0.2.0", Instant.now()));
        cluster.setDraining("10-0-0-7", true);
        cluster.registerRouter(new RouterEndpoint("r1", "10.0.0.8", 8080, -1));

        HostsRun run = HostsRun.of(List.of("--data-dir", data.toString(), "--zk", zk.connectString()));
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out().lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("HOST", "ROLE", "ADDRESS", "VERSION", "STATE", "INSTANCES", "LOAD", "SSH");
        assertThat(row(run, "10-0-0-5")).containsExactly("10-0-0-5", "agent", "10.0.0.5", "0.2.0", "ready", "0",
                "mem", "75%", "ssh://root@10.0.0.5");
        assertThat(row(run, "10-0-0-6")).containsExactly("10-0-0-6", "agent", "10.0.0.6", "0.1.0", "unreachable",
                "0", "-", "ssh://root@10.0.0.6");
        assertThat(row(run, "10-0-0-7")).containsExactly("10-0-0-7", "agent", "10.0.0.7", "0.2.0", "draining", "0",
                "-", "ssh://root@10.0.0.7");
        assertThat(row(run, "10-0-0-9")).containsExactly("10-0-0-9", "agent", "10.0.0.9", "0.1.0", "installing",
                "-", "-", "ssh://root@10.0.0.9");
        assertThat(row(run, "router-10-0-0-8")).containsExactly("router-10-0-0-8", "router", "10.0.0.8", "0.1.0",
                "ready", "-", "-", "ssh://root@10.0.0.8");
        assertThat(row(run, "router-10-0-0-10")).containsExactly("router-10-0-0-10", "router", "10.0.0.10",
                "0.1.0", "unreachable", "-", "-", "ssh://root@10.0.0.10");
    }

    static String[] row(HostsRun run, String id) {
        return run.out().lines().filter(l -> l.startsWith(id + " ")).findFirst().orElseThrow().split("\\s+");
    }
}
