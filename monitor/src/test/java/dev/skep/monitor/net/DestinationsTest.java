package dev.skep.monitor.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 10 #6: where a tenant's webhook may not go, in every spelling of the address. */
class DestinationsTest {

    final Destinations tenant = Destinations.publicOnly(List.of());

    @Test
    void internalAddressesAreRefusedAndPublicOnesAllowed() throws Exception {
        for (String internal : List.of("127.0.0.1", "127.255.0.9", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.1",
                "192.168.1.1", "100.64.0.1", "100.127.255.1", "100.100.100.200", "169.254.169.254", "169.254.1.1",
                "192.0.0.192", "224.0.0.1", "239.1.1.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
                "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1",
                "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:c0a8:101::1")) {
            assertThat(tenant.refusal(InetAddress.getByName(internal))).as(internal).isPresent();
        }
        for (String external : List.of("8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "193.0.0.1",
                "2606:4700:4700::1111", "2a00:1450::1", "64:ff9b::808:808", "2002:808:808::1")) {
            assertThat(tenant.refusal(InetAddress.getByName(external))).as(external).isEmpty();
        }
        assertThat(tenant.refusal(InetAddress.getByName("169.254.169.254"))).contains("cloud metadata");
        assertThat(tenant.refusal(InetAddress.getByName("127.0.0.1"))).contains("loopback");
    }

    @Test
    void anAdminAllowListOpensOnlyItsRanges() throws Exception {
        Destinations allowing = Destinations.publicOnly("10.0.5.0/24, fd12::/16");
        assertThat(allowing.refusal(InetAddress.getByName("10.0.5.7"))).isEmpty();
        assertThat(allowing.refusal(InetAddress.getByName("fd12::9"))).isEmpty();
        assertThat(allowing.refusal(InetAddress.getByName("10.0.6.1"))).contains("private");
        assertThat(allowing.refusal(InetAddress.getByName("127.0.0.1"))).contains("loopback");
        assertThat(Destinations.trusted().refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
        assertThatThrownBy(() -> Destinations.publicOnly("10.0.0.0/33")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> Destinations.publicOnly("intranet.example")).hasMessageContaining("not an IP");
    }

    @Test
    void hostsWrittenAsInternalAddressesInAnySpellingAreRefusedWhenSet() {
        for (String host : List.of("127.0.0.1", "127.1", "2130706433", "0x7f.0.0.1", "0x7f000001", "0177.0.0.1",
                "017700000001", "[::1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:0:0:1]", "localhost", "LocalHost.",
                "api.localhost", "169.254.169.254", "0251.0376.0251.0376", "10.0.0.1", "0", "0x", "1.2.3.4.5",
                "256.1.1.1")) {
            assertThat(tenant.refusalOfHost(host)).as(host).isPresent();
        }
        for (String host : List.of("hooks.example.com", "8.8.8.8", "[2606:4700:4700::1111]", "1x.example")) {
            assertThat(tenant.refusalOfHost(host)).as(host).isEmpty();
        }
    }

    @Test
    void namesAreJudgedByWhatTheyResolveTo() throws Exception {
        assertThatThrownBy(() -> tenant.resolve("localhost")).isInstanceOf(RefusedDestination.class)
                .hasMessageContaining("loopback").hasMessageContaining("--webhook-allow");
        String self = InetAddress.getLocalHost().getHostName();
        if (InetAddress.getByName(self).isLoopbackAddress()) {
            assertThatThrownBy(() -> tenant.resolve(self)).isInstanceOf(RefusedDestination.class);
        }
        assertThat(Destinations.publicOnly("127.0.0.0/8").resolve("127.0.0.1").getHostAddress()).isEqualTo("127.0.0.1");
    }
}
