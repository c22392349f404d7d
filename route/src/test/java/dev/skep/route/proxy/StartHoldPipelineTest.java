package dev.skep.route.proxy;

import static dev.skep.route.proxy.FrontendPipelineTest.outbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A `skep server` restarted with its apps left running: its router has its table a moment before the agent has
 * re-adopted the apps. Requests for an app with no ready instance yet wait for it (for the router's start hold) rather
 * than getting a 503; past the hold they are answered as any request is. The router's handlers on EmbeddedChannels.
 */
class StartHoldPipelineTest {

    static final AppId WEB = new AppId("alice", "web");
    static final Backend WEB_1 = new Backend("web-1", "10.0.0.6", 5002);
    static final Duration HOLD = Duration.ofMillis(400);

    final EmbeddedProxy proxy = new EmbeddedProxy(FrontendPipelineTest.SHOP, FrontendPipelineTest.SHOP_1,
            RouterConfig.defaults().withStartHold(HOLD));

    @AfterEach
    void close() {
        proxy.close();
    }

    EmbeddedChannel get() {
        return proxy.get("web.test");
    }

    void table(List<Backend> backends) {
        proxy.proxy.update(RouteTable.of(Map.of("web.test", new AppRoute(WEB, backends))));
    }

    @Test
    void aRequestWaitsForTheReadoptedInstanceAndGoesOnToIt() {
        table(List.of());
        EmbeddedChannel client = get();
        assertThat(outbound(client)).as("held, not a 503").isEmpty();

        table(List.of(WEB_1));
        client.runPendingTasks();
        assertThat(proxy.backends).as("forwarded to the instance once it is ready").hasSize(1);
        assertThat(outbound(client)).isEmpty(); // the backend has not answered yet
    }

    @Test
    void aRequestBeforeTheFirstTableWaitsForItThenForTheInstance() {
        EmbeddedProxy fresh = new EmbeddedProxy(FrontendPipelineTest.SHOP, FrontendPipelineTest.SHOP_1,
                RouterConfig.defaults().withStartHold(HOLD), false);
        EmbeddedChannel client = fresh.get("web.test");
        assertThat(outbound(client)).as("no table yet: held, not a 503").isEmpty();

        fresh.proxy.update(RouteTable.of(Map.of("web.test", new AppRoute(WEB, List.of()))));
        client.runPendingTasks();
        assertThat(outbound(client)).as("the app has no ready instance yet: still held").isEmpty();
        fresh.proxy.update(RouteTable.of(Map.of("web.test", new AppRoute(WEB, List.of(WEB_1)))));
        client.runPendingTasks();
        assertThat(fresh.backends).hasSize(1);
        fresh.close();
    }

    @Test
    void pastTheStartHoldTheRequestIsAnsweredAsAnyIsAndLaterOnesAt503AtOnce() {
        table(List.of());
        EmbeddedChannel client = get();
        assertThat(outbound(client)).isEmpty();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            client.runScheduledPendingTasks();
            return client.outboundMessages().size() > 0;
        });
        assertThat(outbound(client)).startsWith("HTTP/1.1 503 ");
        assertThat(proxy.backends).isEmpty();
        assertThat(outbound(get())).as("after the start, at once").startsWith("HTTP/1.1 503 ");
    }
}
