package dev.skep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import dev.skep.model.view.AppView;
import dev.skep.model.view.EnvChange;
import dev.skep.model.view.EnvView;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SkepClientTest {

    private static final AppId SHOP = AppId.parse("alice/shop");

    private final FakeSkep fake = new FakeSkep();
    private final SkepClient client = new SkepClient(fake.uri(), FakeSkep.TOKEN);

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    @Test
    void sendsTheBearerTokenOnEveryCall() {
        fake.on("GET", "/version", 200, "{\"version\":\"skep 0.1.0\"}");

        assertThat(client.version()).isEqualTo("skep 0.1.0");
        assertThat(fake.last().header("Authorization")).isEqualTo("Bearer test-token");
        assertThat(fake.last().header("Accept")).isEqualTo("application/json");
    }

    @Test
    void mapsAnAppWithInstancesAndReleasesIgnoringUnknownFields() {
        fake.on("GET", "/v1/apps/alice/shop", 200, Fixtures.SHOP);

        AppView app = client.app(SHOP);

        assertThat(app.app()).isEqualTo("alice/shop");
        assertThat(app.updated()).isEqualTo(Instant.parse("2026-11-26T01:02:03.456Z"));
        assertThat(app.instances()).hasSize(2);
        assertThat(app.instances().get(0).memoryBytes()).isEqualTo(52428800L);
        assertThat(app.instances().get(1).memoryBytes()).isNull();
        assertThat(app.instances().get(1).lastExit()).isEqualTo("code 1");
        assertThat(app.releases()).extracting(r -> r.number()).containsExactly(3, 2);
        assertThat(app.releases().get(0).command()).containsExactly("node", "server.js");
    }

    @Test
    void listsApps() {
        fake.on("GET", "/v1/apps", 200, "[" + Fixtures.SHOP_LISTED + "," + Fixtures.BLOG_LISTED + "]");

        assertThat(client.apps()).extracting(AppView::app).containsExactly("alice/shop", "bob/blog");
    }

    @Test
    void startsStopsAndRestartsWithPostsToTheirPaths() {
        fake.on("POST", "/v1/apps/alice/shop/start", 200, Fixtures.shop("starting", true, 2));
        fake.on("POST", "/v1/apps/alice/shop/stop", 200, Fixtures.shop("stopped", false, 2));
        fake.on("POST", "/v1/apps/alice/shop/restart", 200, Fixtures.shop("running", true, 2));

        assertThat(client.start(SHOP).state()).isEqualTo("starting");
        assertThat(client.stop(SHOP).running()).isFalse();
        assertThat(client.restart(SHOP).state()).isEqualTo("running");
        assertThat(fake.requests()).extracting(FakeSkep.Request::toString).containsExactly(
                "POST /v1/apps/alice/shop/start", "POST /v1/apps/alice/shop/stop", "POST /v1/apps/alice/shop/restart");
    }

    @Test
    void deletesWithA204() {
        fake.on("DELETE", "/v1/apps/alice/shop", 204, null);

        client.delete(SHOP);

        assertThat(fake.last().method()).isEqualTo("DELETE");
    }

    @Test
    void scalesWithAPatchOfInstances() {
        fake.on("PATCH", "/v1/apps/alice/shop", 200, Fixtures.shop("starting", true, 5));

        assertThat(client.scale(SHOP, 5).instancesWanted()).isEqualTo(5);
        assertThat(fake.last().bodyText()).isEqualTo("{\"instances\":5}");
        assertThat(fake.last().header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void rollsBackToThePreviousOrAGivenRelease() {
        fake.on("POST", "/v1/apps/alice/shop/rollback", 200, Fixtures.SHOP);

        client.rollback(SHOP);
        assertThat(fake.last().bodyText()).isEqualTo("{}");
        client.rollback(SHOP, 2);
        assertThat(fake.last().bodyText()).isEqualTo("{\"release\":2}");
    }

    @Test
    void readsAndChangesEnv() {
        fake.on("GET", "/v1/apps/alice/shop/env", 200,
                "{\"app\":\"alice/shop\",\"release\":3,\"env\":{\"A\":\"1\",\"B\":\"x=y\"}}");
        fake.on("PATCH", "/v1/apps/alice/shop/env", 200,
                "{\"app\":\"alice/shop\",\"release\":4,\"env\":{\"A\":null,\"C\":null}}");

        assertThat(client.env(SHOP).env()).containsEntry("B", "x=y");
        EnvView changed = client.changeEnv(SHOP, new EnvChange(Map.of("C", "3"), List.of("B")));

        assertThat(changed.release()).isEqualTo(4);
        assertThat(changed.env()).containsKeys("A", "C").containsEntry("C", null);
        assertThat(fake.last().bodyText()).isEqualTo("{\"set\":{\"C\":\"3\"},\"unset\":[\"B\"]}");
    }

    @Test
    void mapsAnErrorAnswerToItsApiError() {
        fake.on("GET", "/v1/apps/alice/shop", 404,
                "{\"error\":\"no app alice/shop\",\"detail\":\"deploy it first: skep deploy --app alice/shop\"}");

        assertThatThrownBy(() -> client.app(SHOP))
                .isInstanceOfSatisfying(SkepApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.error().error()).isEqualTo("no app alice/shop");
                    assertThat(e.error().detail()).startsWith("deploy it first");
                });
    }

    @Test
    void mapsARefusedTokenToA401() {
        try (SkepClient wrong = new SkepClient(fake.uri(), "wrong")) {
            assertThatThrownBy(wrong::apps)
                    .isInstanceOfSatisfying(SkepApiException.class, e -> assertThat(e.status()).isEqualTo(401));
        }
    }

    @Test
    void describesAnErrorThatIsNotJson() {
        fake.on("GET", "/v1/apps", (exchange, request) ->
                FakeSkep.respond(exchange, 502, "text/html", "<h1>Bad Gateway</h1>"));

        assertThatThrownBy(client::apps)
                .isInstanceOfSatisfying(SkepApiException.class, e -> {
                    assertThat(e.error().error()).isEqualTo("the server answered HTTP 502");
                    assertThat(e.error().detail()).isEqualTo("<h1>Bad Gateway</h1>");
                });
    }

    @Test
    void saysWhatToDoWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (SkepClient nowhere = new SkepClient(URI.create("http://127.0.0.1:" + port), "t")) {
            assertThatThrownBy(nowhere::apps)
                    .isInstanceOf(SkepUnreachableException.class)
                    .hasMessage("cannot reach skep at http://127.0.0.1:" + port + ": is `skep server` running?");
        }
    }

    @Test
    void saysSoWhenTheAnswerIsNotTheJsonExpected() {
        fake.on("GET", "/v1/apps", 200, "{\"not\":\"a list\"}");

        assertThatThrownBy(client::apps)
                .isInstanceOf(SkepClientException.class)
                .hasMessageStartingWith("unexpected answer from " + fake.uri() + "/v1/apps");
    }
}
