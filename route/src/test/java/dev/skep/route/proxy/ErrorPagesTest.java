package dev.skep.route.proxy;

import dev.skep.model.AppId;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.skep.route.proxy.ErrorPages.Format.HTML;
import static dev.skep.route.proxy.ErrorPages.Format.JSON;
import static org.assertj.core.api.Assertions.assertThat;

class ErrorPagesTest {

    @Test
    void browsersGetHtmlAndApiClientsGetJson() {
        assertThat(ErrorPages.choose(null)).isEqualTo(HTML);
        assertThat(ErrorPages.choose("*/*")).isEqualTo(HTML);
        assertThat(ErrorPages.choose("text/html,application/xhtml+xml,application/json;q=0.9")).isEqualTo(HTML);
        assertThat(ErrorPages.choose("application/json")).isEqualTo(JSON);
        assertThat(ErrorPages.choose("application/problem+json, text/html")).isEqualTo(JSON);
    }

    @Test
    void pagesCarryTheStatusAndNothingInternal() {
        FullHttpResponse r = ErrorPages.response(HttpResponseStatus.BAD_GATEWAY, "application/json", "rid-1",
                UnpooledByteBufAllocator.DEFAULT);
        String body = r.content().toString(StandardCharsets.UTF_8);
        assertThat(r.status().code()).isEqualTo(502);
        assertThat(r.headers().get("content-type")).startsWith("application/json");
        assertThat(body).contains("\"status\":502").contains("rid-1").doesNotContainIgnoringCase("exception");
        assertThat(r.headers().getInt("content-length")).isEqualTo(r.content().readableBytes());
        r.release();
    }

    @Test
    void unavailableSaysWhenToRetry() {
        FullHttpResponse r = ErrorPages.response(HttpResponseStatus.SERVICE_UNAVAILABLE, null, null,
                UnpooledByteBufAllocator.DEFAULT);
        assertThat(r.headers().get("retry-after")).isEqualTo("1");
        assertThat(r.content().toString(StandardCharsets.UTF_8)).contains("<h1>503");
        r.release();
    }

    @Test
    void aStoppedAppSaysItIsStoppedAndNotToRetry() {
        FullHttpResponse r = ErrorPages.stopped("application/json", "rid-2", UnpooledByteBufAllocator.DEFAULT);
        String body = r.content().toString(StandardCharsets.UTF_8);
        assertThat(r.status().code()).isEqualTo(503);
        assertThat(r.headers().contains("retry-after")).isFalse();
        assertThat(body).contains("The app is stopped").doesNotContainIgnoringCase("try again").contains("rid-2");
        assertThat(r.headers().getInt("content-length")).isEqualTo(r.content().readableBytes());
        r.release();
    }

    @Test
    void accessLogLinesAreJson() {
        String line = AccessLog.json(new AccessLog.Entry(Instant.parse("2026-01-01T00:00:00Z"),
                new AppId("alice", "shop"), "shop-1", "GET", "/a\"b", 200, 12, 1.23456, "id"));
        assertThat(line).isEqualTo("{\"time\":\"2026-01-01T00:00:00Z\",\"app\":\"alice/shop\",\"instance\":\"shop-1\","
                + "\"method\":\"GET\",\"path\":\"/a\\\"b\",\"status\":200,\"bytes\":12,\"ms\":1.235,\"request_id\":\"id\"}");
    }

    @Test
    void latencyQuantilesAreWithinTenPercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.record(i * 1_000_000L); // 1..1000 ms
        }
        assertThat(h.quantileMillis(0.5)).isBetween(450.0, 550.0);
        assertThat(h.quantileMillis(0.99)).isBetween(900.0, 1090.0);
    }
}
