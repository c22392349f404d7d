package dev.skep.supervise;

import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortAllocatorTest {

    @Test
    void neverHandsOutAHeldPortTwice() {
        // three free ports in a row, below the kernel's ephemeral range (a fixed range inside it met a client's
        // connection on a busy machine, and the allocator rightly skipped that port)
        int base = 20_000;
        while (!(bindable(base) && bindable(base + 1) && bindable(base + 2))) {
            base += 3;
        }
        PortAllocator ports = new PortAllocator(base, base + 2);
        int a = ports.allocate();
        int b = ports.allocate();
        int c = ports.allocate();
        assertThat(Set.of(a, b, c)).containsExactlyInAnyOrder(base, base + 1, base + 2);
        assertThatThrownBy(ports::allocate).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(base + "-" + (base + 2));
        ports.release(b);
        assertThat(ports.allocate()).isEqualTo(b);
    }

    @Test
    void skipsAPortSomeoneElseListensOn() throws Exception {
        for (int attempt = 0; ; attempt++) {
            try (ServerSocket busy = new ServerSocket()) {
                busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int taken = busy.getLocalPort();
                if (!bindable(taken + 1) && attempt < 20) {
                    continue; // on a busy host the next port may be in use too: find a pair where it is not
                }
                PortAllocator ports = new PortAllocator(taken, taken + 1);
                assertThat(ports.allocate()).isEqualTo(taken + 1);
                return;
            }
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void prefersTheWantedPortWhenFree() {
        PortAllocator ports = new PortAllocator(41010, 41020);
        assertThat(ports.allocate(41015)).isEqualTo(41015);
        assertThat(ports.allocate(41015)).isNotEqualTo(41015);
        assertThat(ports.allocate(99)).isBetween(41010, 41020);
    }

    @Test
    void rejectsABadRange() {
        assertThatThrownBy(() -> new PortAllocator(3000, 2000)).hasMessageContaining("3000-2000");
    }
}
