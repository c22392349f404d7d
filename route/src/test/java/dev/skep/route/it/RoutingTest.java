package dev.skep.route.it;

import java.util.ArrayList;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingTest extends RouterFixture {

    @Test
    void requestsGoToTheAppOfTheirHost() {
        NodeBackend shop = backend("shop-1");
        NodeBackend blog = backend("blog-1");
        startRouter().update(table("shop.alice.localhost", SHOP, of(shop), "blog.example.com", BLOG, of(blog)));
        try (RawHttp c = new RawHttp(router.port())) {
            assertThat(c.get("shop.alice.localhost", "/").text()).isEqualTo("hello from shop-1\n");
            assertThat(c.get("Blog.Example.COM:8080", "/").text()).isEqualTo("hello from blog-1\n");
            assertThat(c.get("shop.alice.localhost:80", "/").text()).isEqualTo("hello from shop-1\n");
        }
    }

    @Test
    void keepAliveConnectionsToBackendsAreReused() {
        NodeBackend shop = backend("shop-1");
        startRouter().update(table("shop.test", SHOP, of(shop)));
        for (int i = 0; i < 5; i++) {
            try (RawHttp c = new RawHttp(router.port())) {
                for (int j = 0; j < 20; j++) {
                    assertThat(c.get("shop.test", "/").status()).isEqualTo(200);
                }
            }
        }
        try (RawHttp c = new RawHttp(router.port())) {
            String stats = c.get("shop.test", "/stats").text();
            assertThat(stats).contains("\"requests\":101");
            int connections = Integer.parseInt(stats.replaceAll(".*\"connections\":(\\d+).*", "$1"));
            assertThat(connections).isLessThanOrEqualTo(2); // one per event loop at most
        }
    }

    @Test
    void clientKeepAliveSurvivesManyRequestsAndPipelining() {
        NodeBackend shop = backend("shop-1");
        startRouter().update(table("shop.test", SHOP, of(shop)));
        try (RawHttp c = new RawHttp(router.port())) {
            c.send("GET /a HTTP/1.1\r\nHost: shop.test\r\n\r\nGET /b HTTP/1.1\r\nHost: shop.test\r\n\r\n"
                    + "GET /headers HTTP/1.1\r\nHost: shop.test\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("hello from shop-1\n");
            assertThat(c.read().text()).isEqualTo("hello from shop-1\n");
            assertThat(c.read().text()).contains("\"url\":\"/headers\"");
        }
    }

    @Test
    void requestsSpreadOverBackends() {
        NodeBackend a = backend("a");
        NodeBackend b = backend("b");
        startRouter().update(table("shop.test", SHOP, of(a, b)));
        try (RawHttp c = new RawHttp(router.port())) {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                seen.add(c.get("shop.test", "/").text());
            }
            assertThat(seen).contains("hello from a\n", "hello from b\n");
        }
    }

    @Test
    void closeDelimitedResponsesAreRechunkedForTheClient() {
        NodeBackend shop = backend("shop-1");
        startRouter().update(table("shop.test", SHOP, of(shop)));
        try (RawHttp c = new RawHttp(router.port())) {
            RawHttp.Response r = c.get("shop.test", "/close-delimited");
            assertThat(r.text()).isEqualTo("until close shop-1");
            assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(c.get("shop.test", "/").status()).isEqualTo(200);
        }
    }
}
