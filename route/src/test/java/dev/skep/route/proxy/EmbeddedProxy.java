package dev.skep.route.proxy;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import io.netty.channel.embedded.EmbeddedChannel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A proxy on EmbeddedChannels for the pipeline tests: shop.test routed to one backend, each backend connection it
 * dials an EmbeddedChannel kept in dial order, each client an EmbeddedChannel with the router's HTTP handlers.
 */
final class EmbeddedProxy {

    final BackendLoads loads = new BackendLoads(Duration.ofSeconds(5), System::nanoTime);
    final ProxyContext proxy;
    final List<EmbeddedChannel> backends = new ArrayList<>();
    /** Every client made by {@link #client()}, for {@link #close()}. */
    final List<EmbeddedChannel> clients = new ArrayList<>();

    EmbeddedProxy(AppId app, Backend backend) {
        this(app, backend, RouterConfig.defaults());
    }

    /** With the router's other settings from {@code config}. */
    EmbeddedProxy(AppId app, Backend backend, RouterConfig config) {
        this(app, backend, config, true);
    }

    /** {@code withTable} false: the router has no table yet (it just started). */
    EmbeddedProxy(AppId app, Backend backend, RouterConfig config, boolean withTable) {
        proxy = new ProxyContext(config.withLimits(2048, 512, 1000, 100), loads, null);
        proxy.dialer((b, loop, raw) -> {
            EmbeddedChannel ch = new EmbeddedChannel(new BackendInitializer(proxy, b, raw));
            backends.add(ch);
            return ch.newSucceededFuture();
        });
        if (withTable) {
            proxy.update(RouteTable.of(Map.of("shop.test", new AppRoute(app, List.of(backend)))));
        }
    }

    /** A client connection from 203.0.113.7, active. */
    EmbeddedChannel client() {
        FrontendPipelineTest.ClientChannel ch = new FrontendPipelineTest.ClientChannel();
        FrontendInitializer.addHttpHandlers(ch.pipeline(), proxy, false);
        ch.pipeline().fireChannelActive();
        clients.add(ch);
        return ch;
    }

    /** A client that has sent {@code GET /} for {@code host}. */
    EmbeddedChannel get(String host) {
        EmbeddedChannel c = client();
        FrontendPipelineTest.send(c, "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        return c;
    }

    /** Finishes every client and backend channel, releasing what they still hold. */
    void close() {
        clients.forEach(EmbeddedChannel::finishAndReleaseAll);
        List.copyOf(backends).forEach(EmbeddedChannel::finishAndReleaseAll);
    }
}
