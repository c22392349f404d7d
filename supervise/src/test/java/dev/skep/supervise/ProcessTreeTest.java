package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
}
