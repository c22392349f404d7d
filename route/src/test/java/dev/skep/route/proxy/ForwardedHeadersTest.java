package dev.skep.route.proxy;

import dev.skep.route.TrustedProxies;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardedHeadersTest {

    private static final InetSocketAddress BALANCER = new InetSocketAddress("10.1.2.3", 40000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("203.0.113.9", 40000);
    private static final InetSocketAddress V6_BALANCER = new InetSocketAddress("fd00::5", 40000);
    private static final TrustedProxies TRUSTED = TrustedProxies.parse("10.0.0.0/8,fd00::/8");

    private static HttpHeaders incoming() {
        HttpHeaders h = new DefaultHttpHeaders();
        h.set("host", "shop.example.com");
        h.set("x-forwarded-for", "198.51.100.1");
        h.set("x-forwarded-proto", "https");
        h.set("x-forwarded-host", "shop.example.com:443");
        h.set("x-forwarded-port", "443");
        h.set("x-real-ip", "198.51.100.1");
        h.set("forwarded", "for=198.51.100.1;proto=https");
        return h;
    }

    @Test
    void aTrustedProxysChainIsKeptAndThePeerAppended() {
        HttpHeaders h = incoming();
        ForwardedHeaders.forRequest(h, BALANCER, false, 8080, "rid", TRUSTED);
        assertThat(h.get("x-forwarded-for")).isEqualTo("198.51.100.1, 10.1.2.3");
        assertThat(h.get("x-forwarded-proto")).isEqualTo("https");
        assertThat(h.get("x-forwarded-host")).isEqualTo("shop.example.com:443");
        assertThat(h.get("x-forwarded-port")).isEqualTo("443");
        assertThat(h.get("x-real-ip")).isEqualTo("198.51.100.1");
        assertThat(h.get("forwarded")).isEqualTo("for=198.51.100.1;proto=https, for=10.1.2.3;host=shop.example.com;proto=http");
        assertThat(h.get("x-request-id")).isEqualTo("rid");
    }

    @Test
    void severalForwardedForLinesFromATrustedProxyJoinInOrder() {
        HttpHeaders h = incoming();
        h.add("x-forwarded-for", "192.0.2.44");
        ForwardedHeaders.forRequest(h, BALANCER, false, 8080, "rid", TRUSTED);
        assertThat(h.getAll("x-forwarded-for")).containsExactly("198.51.100.1, 192.0.2.44, 10.1.2.3");
    }

    @Test
    void aTrustedProxyWithoutHeadersGetsWhatTheRouterSaw() {
        HttpHeaders h = new DefaultHttpHeaders();
        h.set("host", "shop.example.com");
        ForwardedHeaders.forRequest(h, V6_BALANCER, true, 8443, "rid", TRUSTED);
        assertThat(h.get("x-forwarded-for")).isEqualTo("fd00:0:0:0:0:0:0:5");
        assertThat(h.get("x-forwarded-proto")).isEqualTo("https");
        assertThat(h.get("x-forwarded-host")).isEqualTo("shop.example.com");
        assertThat(h.get("x-forwarded-port")).isEqualTo("8443");
        assertThat(h.contains("x-real-ip")).isFalse();
        assertThat(h.get("forwarded")).isEqualTo("for=\"[fd00:0:0:0:0:0:0:5]\";host=shop.example.com;proto=https");
    }

    @Test
    void anUntrustedPeersForwardingHeadersAreReplaced() {
        HttpHeaders h = incoming();
        ForwardedHeaders.forRequest(h, STRANGER, false, 8080, "rid", TRUSTED);
        assertThat(h.getAll("x-forwarded-for")).containsExactly("203.0.113.9");
        assertThat(h.get("x-forwarded-proto")).isEqualTo("http");
        assertThat(h.get("x-forwarded-host")).isEqualTo("shop.example.com");
        assertThat(h.get("x-forwarded-port")).isEqualTo("8080");
        assertThat(h.contains("x-real-ip")).isFalse();
        assertThat(h.get("forwarded")).isEqualTo("for=203.0.113.9;host=shop.example.com;proto=http");
    }

    @Test
    void withNoTrustedRangesEvenAPrivatePeerIsReplaced() {
        HttpHeaders h = incoming();
        ForwardedHeaders.forRequest(h, BALANCER, false, 8080, "rid", TrustedProxies.none());
        assertThat(h.getAll("x-forwarded-for")).containsExactly("10.1.2.3");
        assertThat(h.get("x-forwarded-proto")).isEqualTo("http");
    }
}
