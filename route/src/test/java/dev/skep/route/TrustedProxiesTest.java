package dev.skep.route;

import java.net.Inet6Address;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    private static boolean trusts(TrustedProxies t, String ip) throws Exception {
        return t.contains(new InetSocketAddress(InetAddress.getByName(ip), 1234));
    }

    @Test
    void anIpv4RangeHoldsTheAddressesUnderItsPrefixOnly() throws Exception {
        TrustedProxies t = TrustedProxies.parse("10.0.0.0/8, 192.168.1.0/25");
        assertThat(trusts(t, "10.0.0.1")).isTrue();
        assertThat(trusts(t, "10.255.255.255")).isTrue();
        assertThat(trusts(t, "11.0.0.1")).isFalse();
        assertThat(trusts(t, "192.168.1.127")).isTrue();
        assertThat(trusts(t, "192.168.1.128")).isFalse();
        assertThat(trusts(t, "192.168.2.1")).isFalse();
    }

    @Test
    void aBareAddressIsOneHost() throws Exception {
        TrustedProxies t = TrustedProxies.parse("203.0.113.7,::1");
        assertThat(trusts(t, "203.0.113.7")).isTrue();
        assertThat(trusts(t, "203.0.113.8")).isFalse();
        assertThat(trusts(t, "::1")).isTrue();
        assertThat(trusts(t, "::2")).isFalse();
    }

    @Test
    void anIpv6RangeHoldsTheAddressesUnderItsPrefixOnly() throws Exception {
        TrustedProxies t = TrustedProxies.parse("2001:db8::/32,fd00::/7");
        assertThat(trusts(t, "2001:db8:1234::5")).isTrue();
        assertThat(trusts(t, "2001:db9::1")).isFalse();
        assertThat(trusts(t, "fc00::1")).isTrue();  // fd00::/7 covers fc00::/8 and fd00::/8
        assertThat(trusts(t, "fe00::1")).isFalse();
        assertThat(trusts(t, "10.0.0.1")).isFalse(); // an IPv4 peer never matches an IPv6 range
    }

    @Test
    void anIpv4MappedPeerOfADualStackSocketMatchesIpv4Ranges() throws Exception {
        TrustedProxies t = TrustedProxies.parse("10.0.0.0/8");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
        // Inet6Address.getByAddress keeps the mapped form (InetAddress.getByAddress would turn it into IPv4)
        assertThat(t.contains(Inet6Address.getByAddress(null, mapped, -1))).isTrue();
    }

    @Test
    void prefixZeroTrustsEveryAddressOfItsFamily() throws Exception {
        TrustedProxies t = TrustedProxies.parse("0.0.0.0/0");
        assertThat(trusts(t, "8.8.8.8")).isTrue();
        assertThat(trusts(t, "::1")).isFalse();
    }

    @Test
    void noRangesTrustNoOne() throws Exception {
        assertThat(trusts(TrustedProxies.parse(""), "127.0.0.1")).isFalse();
        assertThat(TrustedProxies.none().contains((InetSocketAddress) null)).isFalse();
        assertThat(TrustedProxies.none().contains(InetSocketAddress.createUnresolved("proxy", 80))).isFalse();
    }

    @Test
    void badEntriesAreRefusedByName() {
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("'10.0.0.0/33'")
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> TrustedProxies.parse("fd00::/129")).hasMessageContaining("0-128");
        assertThatThrownBy(() -> TrustedProxies.parse("proxy.example.com")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> TrustedProxies.parse("999.1.1.1")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/x")).hasMessageContaining("prefix");
    }

    @Test
    void itPrintsAsGiven() {
        assertThat(TrustedProxies.parse(" 10.0.0.0/8 ,fd00::/8").toString()).isEqualTo("10.0.0.0/8,fd00::/8");
    }
}
