package dev.skep.model.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class AddressRangeTest {

    @Test
    void rangesContainTheirAddressesOnly() throws Exception {
        AddressRange v4 = AddressRange.parse("10.0.5.0/24");
        assertThat(v4.contains(InetAddress.getByName("10.0.5.255"))).isTrue();
        assertThat(v4.contains(InetAddress.getByName("10.0.4.255"))).isFalse();
        assertThat(v4.contains(InetAddress.getByName("::ffff:10.0.5.1"))).isTrue();
        assertThat(AddressRange.parse("192.168.1.5").contains(InetAddress.getByName("192.168.1.5"))).isTrue();
        assertThat(AddressRange.parse("192.168.1.5").contains(InetAddress.getByName("192.168.1.6"))).isFalse();
        assertThat(AddressRange.parse("172.16.0.0/12").contains(InetAddress.getByName("172.31.1.1"))).isTrue();
        assertThat(AddressRange.parse("fd00::/8").contains(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(AddressRange.parse("fd00::/8").contains(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(AddressRange.parse("10.0.5.0/24")).hasToString("10.0.5.0/24");
    }
}
