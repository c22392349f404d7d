package dev.skep.route.proxy;

import dev.skep.route.TrustedProxies;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientConnectionsTest {

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void oneIpStopsAtItsCapWhileOthersGetIn() throws Exception {
        ClientConnections c = new ClientConnections(1000, 3, TrustedProxies.none());
        List<ClientConnections.Slot> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ClientConnections.Slot s = c.admit(ip("10.0.0.1"));
            assertThat(s.refusal).isNull();
            held.add(s);
        }
        assertThat(c.admit(ip("10.0.0.1")).refusal).isEqualTo(ClientConnections.Refusal.PER_IP);
        assertThat(c.admit(ip("10.0.0.2")).refusal).isNull();
        assertThat(c.open()).isEqualTo(4);
        c.release(held.remove(0));
        assertThat(c.admit(ip("10.0.0.1")).refusal).isNull();
    }

    @Test
    void entriesGoAwayWithTheirLastConnection() throws Exception {
        ClientConnections c = new ClientConnections(1000, 3, TrustedProxies.none());
        ClientConnections.Slot a = c.admit(ip("10.0.0.1"));
        ClientConnections.Slot b = c.admit(ip("10.0.0.1"));
        c.release(a);
        c.release(b);
        assertThat(c.trackedIps()).isZero();
        assertThat(c.open()).isZero();
    }

    @Test
    void theReserveKeepsTheLastSlotsForSmallClients() throws Exception {
        ClientConnections c = new ClientConnections(40, 30, TrustedProxies.none()); // reserve 4: from 37 on
        for (int i = 0; i < 30; i++) {
            assertThat(c.admit(ip("10.0.0.2")).refusal).isNull();
        }
        int second = 0;
        while (c.admit(ip("10.0.0.3")).refusal == null) {
            second++;
        }
        assertThat(second).isEqualTo(ClientConnections.SMALL_CLIENT); // 6 before the reserve, 2 into it
        assertThat(c.admit(ip("10.0.0.4")).refusal).isNull(); // a newcomer still gets in
        assertThat(c.admit(ip("10.0.0.5")).refusal).isNull(); // the 40th
        assertThat(c.admit(ip("10.0.0.6")).refusal).isEqualTo(ClientConnections.Refusal.TOTAL);
    }

    @Test
    void trustedProxiesAreBoundByTheTotalOnly() throws Exception {
        ClientConnections c = new ClientConnections(50, 3, TrustedProxies.parse("10.1.0.0/16"));
        for (int i = 0; i < 50; i++) {
            assertThat(c.admit(ip("10.1.2.3")).refusal).isNull();
        }
        assertThat(c.admit(ip("10.1.2.3")).refusal).isEqualTo(ClientConnections.Refusal.TOTAL);
        assertThat(c.trackedIps()).isZero();
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64() throws Exception {
        ClientConnections c = new ClientConnections(1000, 2, TrustedProxies.none());
        assertThat(c.admit(ip("2001:db8:1:2::1")).refusal).isNull();
        assertThat(c.admit(ip("2001:db8:1:2::2")).refusal).isNull();
        assertThat(c.admit(ip("2001:db8:1:2:ffff::3")).refusal).isEqualTo(ClientConnections.Refusal.PER_IP);
        assertThat(c.admit(ip("2001:db8:1:3::1")).refusal).isNull();
        assertThat(ClientConnections.key(ip("::ffff:10.0.0.1"))).isEqualTo(ip("10.0.0.1"));
    }
}
