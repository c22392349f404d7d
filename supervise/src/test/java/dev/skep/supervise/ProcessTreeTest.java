package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {

    @Test
    void inboundConnectionsCountsTheClientsConnectedToAPortAndNotTheListener() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            assertThat(ProcessTree.inboundConnections(port)).isZero();
            try (Socket a = new Socket(InetAddress.getLoopbackAddress(), port);
                 Socket accepted = server.accept();
                 Socket b = new Socket(InetAddress.getLoopbackAddress(), port);
                 Socket acceptedB = server.accept()) {
                assertThat(ProcessTree.inboundConnections(port)).isEqualTo(2);
            }
        }
    }

    @Test
    void processesAreFoundByAnEntryOfTheEnvironmentTheyWereStartedWithAndTheirChildrenToo() throws Exception {
        String instance = "pt.env." + System.nanoTime();
        ProcessBuilder shell = new ProcessBuilder("/bin/sh", "-c", "sleep 60 & sleep 60");
        shell.environment().put("SKEP_INSTANCE", instance);
        shell.environment().put("OTHER", "SKEP_INSTANCE=" + instance + "x");
        ProcessBuilder lookalike = new ProcessBuilder("sleep", "60");
        lookalike.environment().put("SKEP_INSTANCE", instance + "x"); // a longer value is another instance
        Process p = shell.start();
        Process other = lookalike.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> ProcessTree.withEnvironment("SKEP_INSTANCE",
                    instance).size() == 3); // sh and its two sleeps
            assertThat(ProcessTree.withEnvironment("SKEP_INSTANCE", instance)).contains(p.pid())
                    .doesNotContain(other.pid());
            ProcessTree.killAll(ProcessTree.withEnvironment("SKEP_INSTANCE", instance));
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    ProcessTree.withEnvironment("SKEP_INSTANCE", instance).isEmpty());
            assertThat(other.isAlive()).isTrue();
        } finally {
            p.destroyForcibly();
            other.destroyForcibly();
            ProcessTree.killAll(ProcessTree.withEnvironment("SKEP_INSTANCE", instance));
        }
    }
}
