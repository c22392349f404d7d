package dev.skep.route.proxy;

import dev.skep.route.AppRoute;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import dev.skep.route.TrustedProxies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** --trusted-proxies through the whole client pipeline: what the backend sees from a trusted and an untrusted peer. */
class TrustedPeerPipelineTest {

    private EmbeddedChannel backend;

    /** What the backend receives for one request from the client 203.0.113.7 when {@code trusted} is configured. */
    private String forwarded(String trusted) {
        RouterConfig config = RouterConfig.defaults().withTrustedProxies(TrustedProxies.parse(trusted));
        ProxyContext proxy = new ProxyContext(config, new BackendLoads(Duration.ofSeconds(5), System::nanoTime), null);
        proxy.dialer((b, loop, raw) -> {
            backend = new EmbeddedChannel(new BackendInitializer(proxy, b, raw));
            return backend.newSucceededFuture();
        });
        proxy.update(RouteTable.of(Map.of("shop.test", new AppRoute(FrontendPipelineTest.SHOP,
                List.of(FrontendPipelineTest.SHOP_1)))));
        EmbeddedChannel client = new FrontendPipelineTest.ClientChannel();
        FrontendInitializer.addHttpHandlers(client.pipeline(), proxy, false);
        client.pipeline().fireChannelActive();
        client.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: shop.test\r\nX-Forwarded-For: 198.51.100.1\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Port: 443\r\n\r\n", StandardCharsets.ISO_8859_1));
        StringBuilder sent = new StringBuilder();
        for (Object o; (o = backend.readOutbound()) != null; ) {
            sent.append(((ByteBuf) o).toString(StandardCharsets.ISO_8859_1));
            ((ByteBuf) o).release();
        }
        return sent.toString().toLowerCase();
    }

    @Test
    void aPeerInATrustedRangeKeepsItsChainWithItselfAppended() {
        assertThat(forwarded("203.0.113.0/24"))
                .contains("x-forwarded-for: 198.51.100.1, 203.0.113.7\r\n")
                .contains("x-forwarded-proto: https\r\n")
                .contains("x-forwarded-port: 443\r\n");
    }

    /** The router's answer to a plain-HTTP request for an https-only app, with HTTPS on this router's port 8443. */
    private String httpsOnlyAnswer(String trusted, String proto) {
        RouterConfig config = RouterConfig.defaults().withTrustedProxies(TrustedProxies.parse(trusted));
        ProxyContext proxy = new ProxyContext(config, new BackendLoads(Duration.ofSeconds(5), System::nanoTime), null);
        proxy.dialer((b, loop, raw) -> {
            backend = new EmbeddedChannel(new BackendInitializer(proxy, b, raw));
            return backend.newSucceededFuture();
        });
        proxy.update(RouteTable.of(Map.of("shop.test", new AppRoute(FrontendPipelineTest.SHOP,
                List.of(FrontendPipelineTest.SHOP_1), 0, true))));
        proxy.httpsRedirect().listening(8443);
        EmbeddedChannel client = new FrontendPipelineTest.ClientChannel();
        FrontendInitializer.addHttpHandlers(client.pipeline(), proxy, false);
        client.pipeline().fireChannelActive();
        client.writeInbound(Unpooled.copiedBuffer("GET /cart?x=1 HTTP/1.1\r\nHost: shop.test:8080\r\n"
                + (proto == null ? "" : "X-Forwarded-Proto: " + proto + "\r\n") + "\r\n", StandardCharsets.ISO_8859_1));
        StringBuilder answer = new StringBuilder();
        for (Object o; (o = client.readOutbound()) != null; ) {
            answer.append(((ByteBuf) o).toString(StandardCharsets.ISO_8859_1));
            ((ByteBuf) o).release();
        }
        return answer.toString();
    }

    @Test
    void behindATrustedBalancerHttpsOnlyRedirectsToTheDefaultPortOrNotAtAllWhenItTookHttps() {
        assertThat(httpsOnlyAnswer("10.0.0.0/8", null)).as("a client straight at the router")
                .startsWith("HTTP/1.1 308 ").contains("location: https://shop.test:8443/cart?x=1\r\n");
        assertThat(httpsOnlyAnswer("203.0.113.0/24", "http")).as("through the edge")
                .startsWith("HTTP/1.1 308 ").contains("location: https://shop.test/cart?x=1\r\n");
        backend = null;
        assertThat(httpsOnlyAnswer("203.0.113.0/24", "https")).as("the balancer took it over https: no loop")
                .doesNotContain("308");
        assertThat(backend).as("forwarded to the app").isNotNull();
        assertThat(httpsOnlyAnswer("10.0.0.0/8", "https")).as("an untrusted client's claim changes nothing")
                .startsWith("HTTP/1.1 308 ").contains("location: https://shop.test:8443/");
    }

    @Test
    void aPeerOutsideTheTrustedRangesHasItsChainReplaced() {
        assertThat(forwarded("10.0.0.0/8"))
                .contains("x-forwarded-for: 203.0.113.7\r\n")
                .contains("x-forwarded-proto: http\r\n")
                .contains("x-forwarded-port: 8080\r\n")
                .doesNotContain("198.51.100.1");
    }
}
