package dev.skep.route.proxy;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import dev.skep.route.StickyKeys;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.skep.route.proxy.FrontendPipelineTest.outbound;
import static dev.skep.route.proxy.FrontendPipelineTest.send;
import static org.assertj.core.api.Assertions.assertThat;

/** The proxy's named steps (intake, pick, retry, respond framing, lingering close), alone and on EmbeddedChannels. */
class ProxyStepsTest {

    static final AppId SHOP = new AppId("alice", "shop");
    static final Backend SHOP_1 = new Backend("shop-1", "10.0.0.5", 5001);
    static final Backend SHOP_2 = new Backend("shop-2", "10.0.0.6", 5001);
    static final Backend SPARE = new Backend("shop-3", "10.0.0.7", 5001);

    private EmbeddedProxy fixture;
    private ProxyContext proxy;
    private BackendLoads loads;
    private List<EmbeddedChannel> backends;

    @BeforeEach
    void setUp() {
        fixture = new EmbeddedProxy(SHOP, SHOP_1);
        proxy = fixture.proxy;
        loads = fixture.loads;
        backends = fixture.backends;
    }

    private EmbeddedChannel client() {
        return fixture.client();
    }

    @Test
    void intakeRefusesAnOverlongUrlWith414BeforeLookingUpARouteAndClosesTheConnection() {
        HttpRequest longUrl = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/" + "a".repeat(600));
        assertThat(RequestIntake.refusal(longUrl, 512)).isEqualTo(HttpResponseStatus.REQUEST_URI_TOO_LONG);
        assertThat(RequestIntake.refusal(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ok"), 512))
                .isNull();

        EmbeddedChannel ch = client();
        // nobody routes this host: a 404 here would mean the route was looked up first
        send(ch, "GET /" + "a".repeat(600) + " HTTP/1.1\r\nHost: nobody.test\r\n\r\n");
        String out = outbound(ch);
        assertThat(out).startsWith("HTTP/1.1 414 ").contains("connection: close");
        // an EmbeddedChannel is no duplex socket: the lingering close closes it at once
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void intakeRefusesABodyChunkThatBreaksItsFramingWith400AndOnePastTheLimitWith413() {
        HttpContent fine = new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[10]));
        HttpContent broken = new DefaultHttpContent(Unpooled.EMPTY_BUFFER);
        broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad chunk size")));
        assertThat(RequestIntake.bodyRefusal(fine, 1000, 1000)).isNull();
        assertThat(RequestIntake.bodyRefusal(fine, 1001, 1000)).isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        assertThat(RequestIntake.bodyRefusal(broken, 1001, 1000)).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        fine.release();

        EmbeddedChannel ch = client();
        send(ch, "POST /x HTTP/1.1\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + "a".repeat(1000)
                + "\r\n1\r\nb\r\n");
        assertThat(outbound(ch)).startsWith("HTTP/1.1 413 ").contains("connection: close");
        assertThat(backends).hasSize(1);
        assertThat(backends.get(0).isOpen()).isFalse();
        assertThat(proxy.exchanges().get()).isZero();
    }

    @Test
    void anUnknownHostWithAShortUrlPassesIntakeAndGets404FromRouting() {
        EmbeddedChannel ch = client();
        send(ch, "GET /x HTTP/1.1\r\nHost: nobody.test\r\n\r\n");
        assertThat(outbound(ch)).startsWith("HTTP/1.1 404 ");
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void pickPrefersTheStickyInstanceThenTheLeastLoadedThenAStandbyAndAfterAResetTheSameBackendAgain() {
        StickyKeys keys = StickyKeys.of(List.of(SHOP_1, SHOP_2));
        AppRoute route = new AppRoute(SHOP, List.of(SHOP_1, SHOP_2), List.of(SPARE), 0, false, true, keys);
        String key2 = StickyKeys.key(SHOP_2.instance());
        Set<Backend> tried = new HashSet<>();

        assertThat(BackendPicker.pick(loads, route, key2, tried, false)).isEqualTo(SHOP_2);
        tried.add(SHOP_2);
        assertThat(BackendPicker.pick(loads, route, key2, tried, false)).isEqualTo(SHOP_1);
        tried.add(SHOP_1);
        assertThat(BackendPicker.pick(loads, route, key2, tried, false)).isEqualTo(SPARE);
        tried.add(SPARE);
        assertThat(BackendPicker.pick(loads, route, key2, tried, false)).isNull();
        assertThat(BackendPicker.pick(loads, route, key2, tried, true)).isIn(SHOP_1, SHOP_2);

        // an ejected sticky instance is passed over, and the response then sets a cookie for the one chosen
        loads.eject(SHOP_2);
        Backend chosen = BackendPicker.pick(loads, route, key2, new HashSet<>(), false);
        assertThat(chosen).isEqualTo(SHOP_1);
        assertThat(BackendPicker.newStickyKey(route, key2, chosen)).isEqualTo(StickyKeys.key(SHOP_1.instance()));
        assertThat(BackendPicker.newStickyKey(route, key2, SHOP_2)).isNull();
    }

    @Test
    void retryReplaysOnlyBodylessIdempotentRequestsAndCapsAttemptsAtFour() {
        HttpRequest get = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
        HttpRequest putWithBody = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/");
        HttpUtil.setContentLength(putWithBody, 3);
        assertThat(RetryRule.replayable(get, false)).isTrue();
        assertThat(RetryRule.replayable(get, true)).isFalse();
        assertThat(RetryRule.replayable(post, false)).isFalse();
        assertThat(RetryRule.replayable(putWithBody, false)).isFalse();
        assertThat(RetryRule.maxAttempts(new AppRoute(SHOP, List.of(SHOP_1)))).isEqualTo(2);
        assertThat(RetryRule.maxAttempts(new AppRoute(SHOP, List.of(SHOP_1, SHOP_2), List.of(SPARE), 0, false)))
                .isEqualTo(4);
    }

    @Test
    void framingClosesAnHttp10ResponseWithoutALengthAndChunksAnHttp11One() {
        HttpResponse r10 = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        assertThat(ResponseFraming.frame(r10, 200, false, true, false)).isTrue();
        assertThat(r10.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");

        HttpResponse r11 = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        assertThat(ResponseFraming.frame(r11, 200, false, false, false)).isFalse();
        assertThat(HttpUtil.isTransferEncodingChunked(r11)).isTrue();

        HttpResponse noBody = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        assertThat(ResponseFraming.frame(noBody, 204, false, false, false)).isFalse();
        assertThat(HttpUtil.isTransferEncodingChunked(noBody)).isFalse();
    }

    @Test
    void theLogStepCountsALocalAnswerForAKnownAppAndNotOneForAnUnknownHost() {
        EmbeddedChannel ch = client();
        send(ch, "GET /x HTTP/1.1\r\nHost: nobody.test\r\n\r\n");
        assertThat(outbound(ch)).startsWith("HTTP/1.1 404 ");
        assertThat(proxy.traffic().snapshot()).doesNotContainKey(SHOP);
        send(ch, "POST /x HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 5000\r\n\r\n");
        assertThat(outbound(ch)).startsWith("HTTP/1.1 413 ");
        assertThat(proxy.traffic().snapshot().get(SHOP).requests()).isEqualTo(1);
        assertThat(proxy.traffic().snapshot().get(SHOP).status4xx()).isEqualTo(1);
    }

    @Test
    void aRequestForAWakingAppIsHeldAndForwardedWhenATableGivesItAnInstance() {
        proxy.update(RouteTable.of(Map.of("shop.test",
                new AppRoute(SHOP, List.of(), List.of(), 0, false, true, null, true, false))));
        EmbeddedChannel ch = client();
        send(ch, "GET /held HTTP/1.1\r\nHost: shop.test\r\n\r\n");
        ch.runPendingTasks();
        assertThat(outbound(ch)).isEmpty(); // held: neither answered nor refused

        proxy.update(RouteTable.of(Map.of("shop.test", new AppRoute(SHOP, List.of(SHOP_1)))));
        ch.runPendingTasks();
        assertThat(backends).hasSize(1);
        String sent = outbound(backends.get(0));
        assertThat(sent).startsWith("GET /held HTTP/1.1\r\n");
        ch.finishAndReleaseAll();
    }

    @Test
    void intakeSplitsAWholeRequestFromHttp2IntoHeadAndBodyAndBothReachTheBackend() {
        FullHttpRequest whole = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/orders",
                Unpooled.copiedBuffer("{\"n\":1}", StandardCharsets.UTF_8));
        ArrayDeque<Object> inbox = new ArrayDeque<>(List.of("next request"));
        HttpRequest head = RequestIntake.split(whole, inbox);
        assertThat(head.uri()).isEqualTo("/orders");
        assertThat(inbox.peekFirst()).isInstanceOf(LastHttpContent.class);
        assertThat(((LastHttpContent) inbox.peekFirst()).content()).isSameAs(whole.content()); // not copied
        assertThat(inbox.peekLast()).isEqualTo("next request");
        whole.release();

        // as on an HTTP/2 stream: the proxy handler alone, whole requests in, response objects out
        EmbeddedChannel stream = new EmbeddedChannel(new FrontendHandler(proxy, true));
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/orders",
                Unpooled.copiedBuffer("{\"n\":1}", StandardCharsets.UTF_8));
        req.headers().set(HttpHeaderNames.HOST, "shop.test").setInt(HttpHeaderNames.CONTENT_LENGTH, 7);
        stream.writeInbound(req);
        assertThat(backends).hasSize(1);
        assertThat(outbound(backends.get(0))).startsWith("POST /orders HTTP/1.1\r\n").endsWith("\r\n\r\n{\"n\":1}");

        send(backends.get(0), "HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok");
        Object first = stream.readOutbound();
        assertThat(first).isInstanceOf(HttpResponse.class);
        assertThat(((HttpResponse) first).status().code()).isEqualTo(201);
        assertThat(proxy.exchanges().get()).isZero();
        stream.finishAndReleaseAll();
    }
}
