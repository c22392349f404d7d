package dev.skep.route.proxy;

import static dev.skep.route.proxy.FrontendPipelineTest.outbound;
import static dev.skep.route.proxy.FrontendPipelineTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A router that stops (skep stopping): idle keep-alive client connections are closed as it starts draining, so a
 * client's next request finds the port closed instead of being taken and then failing (a restart bench saw a 502,
 * "executor not accepting a task", and resets when the process exited); a request in flight still gets its answer,
 * with the connection closed after it.
 */
class DrainPipelineTest {

    final EmbeddedProxy proxy = new EmbeddedProxy(FrontendPipelineTest.SHOP, FrontendPipelineTest.SHOP_1);

    @AfterEach
    void close() {
        proxy.close();
    }

    @Test
    void anIdleConnectionClosesAsTheRouterDrainsOneInFlightAfterItsAnswer() {
        EmbeddedChannel idle = proxy.client();
        EmbeddedChannel served = proxy.client();
        send(served, "GET /a HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        EmbeddedChannel backend = proxy.backends.get(0);
        assertThat(outbound(backend)).startsWith("GET /a HTTP/1.1\r\n");

        proxy.proxy.startDraining();
        idle.runPendingTasks();
        served.runPendingTasks();
        assertThat(idle.isOpen()).as("idle keep-alive connection").isFalse();
        assertThat(served.isOpen()).as("a request in flight").isTrue();

        send(backend, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(outbound(served)).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("connection: close\r\n")
                .endsWith("ok");
        served.runPendingTasks();
        assertThat(served.isOpen()).isFalse();
    }
}
