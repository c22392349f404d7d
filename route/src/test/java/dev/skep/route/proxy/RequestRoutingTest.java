package dev.skep.route.proxy;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.skep.route.proxy.ProxyStepsTest.SHOP;
import static dev.skep.route.proxy.ProxyStepsTest.SHOP_1;
import static org.assertj.core.api.Assertions.assertThat;

/** The route step alone: requests decided on a client EmbeddedChannel against a table, each outcome recorded. */
class RequestRoutingTest {

    private static final AppId SLEEPY = new AppId("alice", "sleepy");
    private static final AppId GONE = new AppId("alice", "gone");
    private static final AppId EMPTY = new AppId("alice", "empty");

    /** Past its start (no start hold): an app with no ready instance is answered at once. */
    private final ProxyContext proxy = new ProxyContext(RouterConfig.defaults().withLimits(2048, 512, 1000, 100)
            .withStartHold(Duration.ZERO), new BackendLoads(Duration.ofSeconds(5), System::nanoTime), null);
    private final EmbeddedChannel client = new EmbeddedChannel();
    private final Recorded outcome = new Recorded();

    {
        proxy.update(RouteTable.of(Map.of(
                "shop.test", new AppRoute(SHOP, List.of(SHOP_1)),
                "big.test", new AppRoute(SHOP, List.of(SHOP_1), 5000),
                "sleepy.test", new AppRoute(SLEEPY, List.of(), List.of(), 0, false, true, null, true, false),
                "gone.test", new AppRoute(GONE, List.of(), List.of(), 0, false, false, null),
                "empty.test", new AppRoute(EMPTY, List.of()))));
    }

    /** What the step decided: one of the three outcomes. */
    private static final class Recorded implements RequestRouting.Outcome {
        String kind;
        FullHttpResponse answer;
        String body;
        boolean close;
        AppRoute route;
        String host;
        long maxBody;

        private void decided(String outcome) {
            assertThat(kind).as("one outcome per request").isNull();
            kind = outcome;
        }

        @Override
        public void answer(FullHttpResponse r, HttpRequest req, String requestId, AppRoute route, boolean close) {
            decided("answer");
            answer = r;
            body = r.content().toString(StandardCharsets.UTF_8);
            r.release();
            this.close = close;
            this.route = route;
        }

        @Override
        public void hold(HttpRequest req, AppRoute route, String host, String requestId) {
            decided("hold");
            this.route = route;
            this.host = host;
        }

        @Override
        public void forward(HttpRequest req, AppRoute route, String requestId, long maxBody) {
            decided("forward");
            this.route = route;
            this.maxBody = maxBody;
        }
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
    }

    private static HttpRequest request(HttpMethod method, String host, String... headers) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/x");
        if (host != null) {
            req.headers().set(HttpHeaderNames.HOST, host);
        }
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().add(headers[i], headers[i + 1]);
        }
        return req;
    }

    private Recorded route(HttpRequest req) {
        RequestRouting.route(req, "req-1", proxy, client, false, outcome);
        return outcome;
    }

    @Test
    void aRoutedHostIsForwardedUnderTheRoutersBodyLimitOrTheAppsOwn() {
        Recorded r = route(request(HttpMethod.GET, "shop.test"));
        assertThat(r.kind).isEqualTo("forward");
        assertThat(r.route.app()).isEqualTo(SHOP);
        assertThat(r.maxBody).isEqualTo(1000);

        Recorded big = new Recorded();
        RequestRouting.route(request(HttpMethod.POST, "big.test", "content-length", "4000"), "req-2", proxy, client,
                false, big);
        assertThat(big.kind).isEqualTo("forward");
        assertThat(big.maxBody).isEqualTo(5000);
    }

    @Test
    void beforeItsFirstTableARequestWaitsForItOrWithoutAStartHoldIs503ToRetryNot404() {
        ProxyContext holding = new ProxyContext(RouterConfig.defaults(),
                new BackendLoads(Duration.ofSeconds(5), System::nanoTime), null);
        Recorded waits = new Recorded();
        RequestRouting.route(request(HttpMethod.GET, "shop.test"), "req-0", holding, client, false, waits);
        assertThat(waits.kind).isEqualTo("hold");
        assertThat(waits.route).as("no app known yet").isNull();

        ProxyContext starting = new ProxyContext(RouterConfig.defaults().withStartHold(Duration.ZERO),
                new BackendLoads(Duration.ofSeconds(5), System::nanoTime), null);
        Recorded r = new Recorded();
        RequestRouting.route(request(HttpMethod.GET, "shop.test"), "req-1", starting, client, false, r);
        assertThat(r.kind).isEqualTo("answer");
        assertThat(r.answer.status().code()).isEqualTo(503);
        assertThat(r.answer.headers().get(HttpHeaderNames.RETRY_AFTER)).isNotNull();
        assertThat(r.body).contains(ErrorPages.STARTING);
        assertThat(r.close).isFalse();

        starting.update(RouteTable.of(Map.of("shop.test", new AppRoute(SHOP, List.of(SHOP_1)))));
        Recorded known = new Recorded();
        RequestRouting.route(request(HttpMethod.GET, "other.test"), "req-2", starting, client, false, known);
        assertThat(known.answer.status().code()).as("once the table is in, an unknown host is unknown").isEqualTo(404);
    }

    @Test
    void anUnknownHostIs404KeepingTheConnectionUnlessABodyFollowsUnread() {
        Recorded r = route(request(HttpMethod.GET, "nobody.test"));
        assertThat(r.kind).isEqualTo("answer");
        assertThat(r.answer.status().code()).isEqualTo(404);
        assertThat(r.close).isFalse();
        assertThat(r.route).isNull();

        Recorded withBody = new Recorded();
        RequestRouting.route(request(HttpMethod.POST, "nobody.test", "content-length", "5"), "req-2", proxy, client,
                false, withBody);
        assertThat(withBody.answer.status().code()).isEqualTo(404);
        assertThat(withBody.close).isTrue();
    }

    @Test
    void aRequestWithoutAHostIs400AndClosesBeforeAnyLookup() {
        Recorded r = route(request(HttpMethod.GET, null));
        assertThat(r.answer.status().code()).isEqualTo(400);
        assertThat(r.close).isTrue();
    }

    @Test
    void aSleepingCapableAppWithNoInstanceHoldsTheRequestButAStoppedOrEmptyOneIs503() {
        Recorded held = route(request(HttpMethod.GET, "sleepy.test"));
        assertThat(held.kind).isEqualTo("hold");
        assertThat(held.host).isEqualTo("sleepy.test");
        assertThat(held.route.app()).isEqualTo(SLEEPY);

        Recorded stopped = new Recorded();
        RequestRouting.route(request(HttpMethod.GET, "gone.test"), "req-2", proxy, client, false, stopped);
        assertThat(stopped.answer.status().code()).isEqualTo(503);
        assertThat(stopped.body).contains(ErrorPages.STOPPED);
        assertThat(stopped.answer.headers().contains(HttpHeaderNames.RETRY_AFTER)).isFalse();
        assertThat(stopped.route.app()).isEqualTo(GONE);

        Recorded empty = new Recorded();
        RequestRouting.route(request(HttpMethod.GET, "empty.test"), "req-3", proxy, client, false, empty);
        assertThat(empty.answer.status().code()).isEqualTo(503);
        assertThat(empty.body).doesNotContain(ErrorPages.STOPPED);
        assertThat(empty.close).isFalse();
    }

    @Test
    void justAfterItsFirstTableARunningAppWithNoReadyInstanceIsHeldAStoppedOneIs503() {
        // a skep server restarted with its apps left running: they are re-adopted a moment after the first table
        ProxyContext started = new ProxyContext(RouterConfig.defaults(),
                new BackendLoads(Duration.ofSeconds(5), System::nanoTime), null);
        started.update(RouteTable.of(Map.of(
                "empty.test", new AppRoute(EMPTY, List.of()),
                "gone.test", new AppRoute(GONE, List.of(), List.of(), 0, false, false, null))));
        Recorded held = new Recorded();
        RequestRouting.route(request(HttpMethod.GET, "empty.test"), "req-1", started, client, false, held);
        assertThat(held.kind).isEqualTo("hold");
        assertThat(held.route.app()).isEqualTo(EMPTY);

        Recorded stopped = new Recorded();
        RequestRouting.route(request(HttpMethod.GET, "gone.test"), "req-2", started, client, false, stopped);
        assertThat(stopped.answer.status().code()).as("a stopped app is not coming back").isEqualTo(503);

        // an app whose first deploy failed has nothing coming either
        started.update(RouteTable.of(Map.of("new.test", new AppRoute(EMPTY, List.of(), List.of(), 0, false, true,
                null, false, false, false))));
        Recorded unreleased = new Recorded();
        RequestRouting.route(request(HttpMethod.GET, "new.test"), "req-3", started, client, false, unreleased);
        assertThat(unreleased.answer.status().code()).isEqualTo(503);
    }

    @Test
    void aDeclaredBodyPastTheLimitIs413AndAnExpectationOtherThanContinueIs417BothClosing() {
        Recorded tooBig = route(request(HttpMethod.POST, "shop.test", "content-length", "1001"));
        assertThat(tooBig.answer.status().code()).isEqualTo(413);
        assertThat(tooBig.close).isTrue();

        Recorded expect = new Recorded();
        RequestRouting.route(request(HttpMethod.POST, "shop.test", "content-length", "10", "expect", "magic"),
                "req-2", proxy, client, false, expect);
        assertThat(expect.answer.status().code()).isEqualTo(417);
        assertThat(expect.close).isTrue();

        Recorded goOn = new Recorded();
        RequestRouting.route(request(HttpMethod.POST, "shop.test", "content-length", "10", "expect",
                "100-Continue"), "req-3", proxy, client, false, goOn);
        assertThat(goOn.kind).isEqualTo("forward");
    }
}
