package dev.skep.route.it;

import dev.skep.route.AppRoute;
import dev.skep.route.RouteTable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FailoverTest extends RouterFixture {

    @Test
    void aCrashedBackendUnderLoadLosesNoRequest() throws Exception {
        NodeBackend a = backend("a");
        NodeBackend b = backend("b");
        NodeBackend c = backend("c");
        startRouter().update(table("shop.test", SHOP, of(a, b, c)));
        int connections = 4;
        int perConnection = 500;
        AtomicInteger done = new AtomicInteger();
        ConcurrentHashMap<String, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        CountDownLatch started = new CountDownLatch(1);
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(CompletableFuture.runAsync(() -> {
                try (RawHttp client = new RawHttp(router.port())) {
                    for (int j = 0; j < perConnection; j++) {
                        RawHttp.Response r = client.get("shop.test", "/");
                        byStatus.computeIfAbsent(r.status() + " " + r.text().trim(), k -> new AtomicInteger())
                                .incrementAndGet();
                        if (done.incrementAndGet() == 400) {
                            started.countDown();
                        }
                    }
                }
            }, r -> Thread.ofPlatform().start(r)));
        }
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        b.kill();
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        int ok = byStatus.entrySet().stream().filter(e -> e.getKey().startsWith("200"))
                .mapToInt(e -> e.getValue().get()).sum();
        assertThat(ok).as("statuses %s", byStatus).isEqualTo(connections * perConnection);
        assertThat(byStatus).containsKey("200 hello from b"); // b served before it died
    }

    @Test
    void whenTheOnlyServingBackendDiesUnderLoadTheStandbyTakesEveryRequest() throws Exception {
        NodeBackend fresh = backend("fresh");
        NodeBackend warm = backend("warm");
        Map<String, AppRoute> routes = Map.of("shop.test", new AppRoute(SHOP, of(fresh), of(warm), 0, false));
        startRouter().update(RouteTable.of(routes)); // as in a probation: the new release serves, the old stands by
        int connections = 4;
        int perConnection = 300;
        AtomicInteger done = new AtomicInteger();
        ConcurrentHashMap<String, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        CountDownLatch started = new CountDownLatch(1);
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(CompletableFuture.runAsync(() -> {
                try (RawHttp client = new RawHttp(router.port())) {
                    for (int j = 0; j < perConnection; j++) {
                        RawHttp.Response r = client.get("shop.test", "/");
                        byStatus.computeIfAbsent(r.status() + " " + r.text().trim(), k -> new AtomicInteger())
                                .incrementAndGet();
                        if (done.incrementAndGet() == 200) {
                            started.countDown();
                        }
                    }
                }
            }, r -> Thread.ofPlatform().start(r)));
        }
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(byStatus).as("the standby takes nothing while the serving backend answers")
                .doesNotContainKey("200 hello from warm");
        fresh.kill(); // the table still names it: the router finds out by its requests
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        int ok = byStatus.entrySet().stream().filter(e -> e.getKey().startsWith("200"))
                .mapToInt(e -> e.getValue().get()).sum();
        assertThat(ok).as("statuses %s", byStatus).isEqualTo(connections * perConnection);
        assertThat(byStatus).containsKey("200 hello from warm");
    }

    @Test
    void removingABackendLetsItsInFlightRequestFinish() throws Exception {
        NodeBackend a = backend("a");
        NodeBackend b = backend("b");
        startRouter().update(table("shop.test", SHOP, of(a)));
        try (RawHttp warm = new RawHttp(router.port())) {
            assertThat(warm.get("shop.test", "/").text()).isEqualTo("hello from a\n"); // leaves a pooled connection
        }
        CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> {
            try (RawHttp client = new RawHttp(router.port())) {
                return client.get("shop.test", "/slow?ms=1500");
            }
        }, r -> Thread.ofPlatform().start(r));
        await().atMost(Duration.ofSeconds(5)).until(() -> router.inFlight() == 1);
        router.update(table("shop.test", SHOP, of(b)));
        try (RawHttp client = new RawHttp(router.port())) {
            assertThat(client.get("shop.test", "/").text()).isEqualTo("hello from b\n");
        }
        assertThat(slow.get(10, TimeUnit.SECONDS).text()).isEqualTo("slow a\n");
        // a's connections from the router are all closed: only our own stats request remains open
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (RawHttp direct = new RawHttp(a.port)) {
                assertThat(direct.get("a", "/stats").text()).contains("\"open\":1");
            }
        });
    }

    @Test
    void closingTheRouterLetsInFlightRequestsFinish() throws Exception {
        NodeBackend a = backend("a");
        startRouter().update(table("shop.test", SHOP, of(a)));
        CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> {
            try (RawHttp client = new RawHttp(router.port())) {
                return client.get("shop.test", "/slow?ms=800");
            }
        }, r -> Thread.ofPlatform().start(r));
        await().atMost(Duration.ofSeconds(5)).until(() -> router.inFlight() == 1);
        router.close();
        RawHttp.Response r = slow.get(5, TimeUnit.SECONDS);
        assertThat(r.text()).isEqualTo("slow a\n");
        assertThat(r.header("connection")).isEqualTo("close");
    }
}
