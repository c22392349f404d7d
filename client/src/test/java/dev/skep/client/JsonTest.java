package dev.skep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.skep.model.view.AlertSettings;
import dev.skep.model.view.AlertTestResult;
import dev.skep.model.view.ApiError;
import dev.skep.model.view.AppView;
import dev.skep.model.view.DeployProgress;
import dev.skep.model.view.AuditEntry;
import dev.skep.model.view.DeployResult;
import dev.skep.model.view.DomainsView;
import dev.skep.model.view.EnvChange;
import dev.skep.model.view.EnvView;
import dev.skep.model.view.EventView;
import dev.skep.model.view.InstanceView;
import dev.skep.model.view.MetricsView;
import dev.skep.model.view.NewToken;
import dev.skep.model.view.NewUser;
import dev.skep.model.view.ReleaseView;
import dev.skep.model.view.TokenView;
import dev.skep.model.view.UserView;
import dev.skep.model.view.Whoami;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client's JSON against a Jackson mapper set up as the server's (api's ApiJson): both ways. */
class JsonTest {

    private static final ObjectMapper SERVER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private static final String TRICKY = "quote \" backslash \\ slash / tab \t newline \n bell \u0007 é 日本 🚀";

    private static final InstanceView READY = new InstanceView("alice.shop.3.ab12cd", 3, "127.0.0.1", 40001,
            4_294_967_296L, "ready", Instant.parse("2026-11-26T02:40:49.843077680Z"), 0, null, 52_428_800L, 1.5);
    private static final InstanceView CRASHING = new InstanceView("alice.shop.3.ef34ab", 3, "127.0.0.1", 40002,
            4243, "backoff", null, 4, "code 1", null, null);
    private static final AppView SHOP = new AppView("alice/shop", "alice", "shop", 3, 2, true, "degraded",
            List.of("shop.example.com"), "http://shop.alice.localhost:8080", Instant.parse("2026-11-26T01:02:03Z"),
            List.of(READY, CRASHING), List.of(new ReleaseView(3, "abc", List.of("node", "server.js"),
                    Instant.parse("2026-11-26T01:00:00Z"), "alice", TRICKY, true)), List.of("data"), "local");

    @Test
    void readsWhatTheServerWrites() throws Exception {
        DeployResult result = new DeployResult("alice/shop", 4, "0123", 1234, List.of("npm", "start"), 1500, 4200,
                null, List.of(READY));

        assertThat(Json.<List<AppView>>read(server(List.of(SHOP)), Json.listOf(AppView.class))).containsExactly(SHOP);
        assertThat(Json.<DeployProgress>read(server(new DeployProgress("done", null, 5L, result, null)),
                DeployProgress.class)).isEqualTo(new DeployProgress("done", null, 5L, result, null));
        assertThat(Json.<DeployProgress>read(server(new DeployProgress("error", "npm", null, null,
                new ApiError("build failed", TRICKY))), DeployProgress.class).error().detail()).isEqualTo(TRICKY);
        assertThat(Json.<EnvView>read(server(new EnvView("alice/shop", 4, Map.of("A", "1", "B", TRICKY))),
                EnvView.class)).isEqualTo(new EnvView("alice/shop", 4, Map.of("A", "1", "B", TRICKY)));
        assertThat(Json.<EnvView>read(bytes("{\"env\":{\"A\":null}}"), EnvView.class).env()).containsEntry("A", null);
    }

    @Test
    void writesWhatTheServerReads() throws Exception {
        EnvChange change = new EnvChange(Map.of("NOTE", TRICKY), List.of("OLD"));

        assertThat(SERVER.readValue(Json.write(change), EnvChange.class)).isEqualTo(change);
        assertThat(SERVER.readValue(Json.write(SHOP), AppView.class)).isEqualTo(SHOP);
        assertThat(new String(Json.write(Map.of("instances", 5)), StandardCharsets.UTF_8)).isEqualTo("{\"instances\":5}");
        assertThat(new String(Json.write(new EnvChange(null, List.of())), StandardCharsets.UTF_8))
                .isEqualTo("{\"unset\":[]}");
    }

    @Test
    void readsAndWritesTheViewsOfDomainsMonitorAndAccounts() throws Exception {
        Instant now = Instant.parse("2026-11-26T02:40:49.843Z");
        TokenView token = new TokenView("t1", "bob", now, null, TRICKY);
        MetricsView metrics = new MetricsView("alice/shop", List.of(new MetricsView.InstanceMetrics("i1",
                List.of(new MetricsView.Sample(now, 12.5, 52_428_800L, 17, 2, 1, 3600L)))),
                new MetricsView.Traffic(10, 7, 1, 1, 1, 0.5, 3.25, 80.0));
        EventView event = new EventView(now, "instance.crashed", "alice/shop", 3, "i1", "h", TRICKY,
                Map.of("code", "1"));
        AlertSettings alerts = new AlertSettings("alice/shop", List.of("ops@example.com"), List.of(),
                List.of(Map.of("name", "hot", "threshold", 90.5, "for", List.of("1m"), "on", true)), "s3cret", true);
        List<Map<String, Object>> rules = List.of(Map.of("name", "n", "count", 3L));

        assertThat(Json.<DomainsView>read(server(new DomainsView("alice/shop", "shop.alice.localhost",
                List.of("*.example.com"))), DomainsView.class).domains()).containsExactly("*.example.com");
        assertThat(Json.<List<UserView>>read(server(List.of(new UserView("bob", true, now, List.of(token)))),
                Json.listOf(UserView.class))).containsExactly(new UserView("bob", true, now, List.of(token)));
        assertThat(Json.<Whoami>read(server(new Whoami("bob", false, "t1")), Whoami.class))
                .isEqualTo(new Whoami("bob", false, "t1"));
        assertThat(Json.<MetricsView>read(server(metrics), MetricsView.class)).isEqualTo(metrics);
        assertThat(Json.<List<EventView>>read(server(List.of(event)), Json.listOf(EventView.class)))
                .containsExactly(event);
        assertThat(Json.<AlertSettings>read(server(alerts), AlertSettings.class)).isEqualTo(alerts);
        assertThat(Json.<AlertTestResult>read(server(new AlertTestResult("alice/shop", Map.of("mail", "sent"))),
                AlertTestResult.class).reactors()).containsEntry("mail", "sent");
        assertThat(Json.<List<AuditEntry>>read(server(List.of(new AuditEntry(now, "bob", "127.0.0.1", "deploy",
                "alice/shop", 201, Map.of("release", 4, "keys", List.of("A"))))), Json.listOf(AuditEntry.class))
                .get(0).detail()).isEqualTo(Map.of("release", 4L, "keys", List.of("A")));

        assertThat(SERVER.readValue(Json.write(alerts), AlertSettings.class)).isEqualTo(alerts);
        assertThat(SERVER.readValue(Json.write(new NewUser("bob", null, "30d")), NewUser.class))
                .isEqualTo(new NewUser("bob", null, "30d"));
        assertThat(SERVER.readValue(Json.write(new NewToken(null, "1h")), NewToken.class))
                .isEqualTo(new NewToken(null, "1h"));
        assertThat(MonitorClient.parseRules("[{\"name\":\"n\",\"count\":3}]")).isEqualTo(rules);
        assertThatThrownBy(() -> MonitorClient.parseRules("{\"name\":\"n\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the rules should be a list, found an object");
        assertThatThrownBy(() -> MonitorClient.parseRules("[1]"))
                .hasMessage("the rules[0] should be an object, found 1");
    }

    @Test
    void leavesMissingFieldsNullOrZeroAndSkipsUnknownOnes() throws Exception {
        InstanceView view = Json.read(bytes("{\"instance\":\"i\",\"new\":{\"deep\":[1,2,{}]},\"pid\":7}"),
                InstanceView.class);

        assertThat(view).isEqualTo(new InstanceView("i", 0, null, 0, 7, null, null, 0, null, null, null));
    }

    @Test
    void saysWhereTheJsonIsMalformed() {
        assertThatThrownBy(() -> Json.read(bytes("{\"error\":\"x\"} trailing"), ApiError.class))
                .isInstanceOf(JsonException.class).hasMessage("malformed JSON at offset 14: more after the end of the JSON value");
        assertThatThrownBy(() -> Json.read(bytes("{\"error\":\"x"), ApiError.class))
                .hasMessageContaining("the string does not end");
        assertThatThrownBy(() -> Json.read(bytes("{\"error\":\"\\x\"}"), ApiError.class))
                .hasMessageContaining("a bad escape");
        assertThatThrownBy(() -> Json.read(bytes("[".repeat(1000)), Object.class))
                .hasMessageContaining("nested deeper than");
        assertThatThrownBy(() -> Json.read(bytes("<html>"), ApiError.class))
                .hasMessageContaining("unexpected character '<'");
    }

    @Test
    void saysWhichFieldDoesNotFitItsType() {
        assertThatThrownBy(() -> Json.read(bytes("[{\"app\":\"a\",\"release\":\"three\"}]"), Json.listOf(AppView.class)))
                .isInstanceOf(JsonException.class)
                .hasMessage("the answer[0].release should be a whole number, found text");
        assertThatThrownBy(() -> Json.read(bytes("{\"port\":4294967296}"), InstanceView.class))
                .hasMessage("the answer.port should be a whole number, found 4294967296");
        assertThatThrownBy(() -> Json.read(bytes("{\"not\":\"a list\"}"), Json.listOf(AppView.class)))
                .hasMessage("the answer should be a list, found an object");
        assertThatThrownBy(() -> Json.read(bytes("{\"updated\":\"yesterday\"}"), AppView.class))
                .hasMessage("the answer.updated should be an ISO-8601 instant, found text");
    }

    private static byte[] server(Object value) throws Exception {
        return SERVER.writeValueAsBytes(value);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
