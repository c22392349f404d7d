package dev.skep.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connecting to ZooKeeper looks no address up in DNS: on a host whose resolver does not answer, ZooKeeper's SASL
 * set-up (two reverse lookups per connection attempt) made every role wait 20 s before it joined.
 */
class NoReverseLookupTest {

    @TempDir
    Path dir;

    @Test
    void aConnectionLooksUpNoNameForTheServersAddress() throws Exception {
        // the counting resolver is the one in use: a reverse lookup of this test's own shows
        InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostName();
        assertThat(CountingResolverProvider.REVERSE_LOOKUPS).contains(Thread.currentThread().getName());

        try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(dir.resolve("zk"),
                new InetSocketAddress("127.0.0.1", 0))) {
            CountingResolverProvider.REVERSE_LOOKUPS.clear();
            try (StateConnection connection = StateConnection.open(server.connectString(), Duration.ofSeconds(4),
                    Duration.ofSeconds(10))) {
                assertThat(connection.client().getZookeeperClient().isConnected()).isTrue();
            }
        }
        // the client's connecting thread is ZooKeeper's SendThread
        assertThat(CountingResolverProvider.REVERSE_LOOKUPS).noneMatch(thread -> thread.contains("SendThread"));
    }
}
