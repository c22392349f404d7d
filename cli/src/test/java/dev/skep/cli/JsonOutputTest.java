package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.FakeSkep;
import dev.skep.client.Fixtures;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

/**
 * --json on the read verbs, against a real HTTP server answering as the API does: one JSON document in the API's
 * field names (nulls left out), or NDJSON (one object a line) for logs and events, followed or not.
 */
class JsonOutputTest extends CliTestCase {

    private static final String APP = "/v1/apps/alice/shop";

    private CliRun.Result run(String... args) {
        CliRun.Result result = new CliRun(fake, home).run(args);
        assertThat(result.exit()).as(result.err()).isZero();
        return result;
    }

    /** A followed stream the fake server then ends: the lines printed, then the end said (exit 3, as a server gone). */
    private CliRun.Result followed(String... args) {
        CliRun.Result result = new CliRun(fake, home).run(args);
        assertThat(result.exit()).as(result.err()).isEqualTo(SkepCli.EXIT_UNREACHABLE);
        return result;
    }

    @Test
    void logsAreOneObjectPerLineFollowedOrNot() {
        String line1 = "2026-11-26T01:02:03.456Z alice.shop.3.web.1.ab12cd stdout hello  world";
        String line2 = "2026-11-26T01:02:04.000Z alice.shop.3.worker.1.ef34ab stderr ";
        fake.on("GET", APP + "/logs", (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "text/plain")) {
                FakeSkep.writeLine(out, line1);
                FakeSkep.writeLine(out, ""); // the server's keep-alive while following
                FakeSkep.writeLine(out, line2);
                FakeSkep.writeLine(out, "not a log line");
            }
        });
        String expected = """
                {"time":"2026-11-26T01:02:03.456Z","instance":"alice.shop.3.web.1.ab12cd","stream":"stdout","text":"hello  world"}
                {"time":"2026-11-26T01:02:04.000Z","instance":"alice.shop.3.worker.1.ef34ab","stream":"stderr","text":""}
                {"text":"not a log line"}
                """;

        assertThat(run("logs", "alice/shop", "--json").out()).isEqualTo(expected);
        assertThat(followed("logs", "-f", "alice/shop", "--json").out()).isEqualTo(expected);
        assertThat(fake.last().query()).isEqualTo("follow=true&tail=100");
    }

    @Test
    void aBuildLogIsOneObjectPerLineToo() {
        fake.on("GET", APP + "/build-log", 200, "2026-11-26T01:00:00.100Z build added 57 packages in 2s\n"
                + "2026-11-26T01:00:01.200Z released release 4 released\n");

        assertThat(run("logs", "--build", "alice/shop", "--json").out()).isEqualTo("""
                {"time":"2026-11-26T01:00:00.100Z","stage":"build","text":"added 57 packages in 2s"}
                {"time":"2026-11-26T01:00:01.200Z","stage":"released","text":"release 4 released"}
                """);
    }

    @Test
    void eventsAreOneObjectPerLineFollowedOrNot() {
        String event = "{\"time\":\"2026-11-26T01:00:00Z\",\"type\":\"instance.exited\",\"app\":\"alice/shop\","
                + "\"release\":3,\"instance\":\"alice.shop.3.web.1.ab12cd\",\"message\":\"exit 1\","
                + "\"data\":{\"code\":\"1\"}}";
        fake.on("GET", "/v1/events", (exchange, request) -> {
            if ("true".equals(request.query().replaceAll(".*follow=([a-z]+).*", "$1"))) {
                try (OutputStream out = FakeSkep.stream(exchange, 200, "text/event-stream")) {
                    FakeSkep.writeLine(out, "event: instance.exited\ndata: " + event + "\n");
                    FakeSkep.writeLine(out, ": live\n");
                    FakeSkep.writeLine(out, "event: instance.exited\ndata: " + event.replace("exit 1", "exit 2") + "\n");
                }
            } else {
                FakeSkep.respond(exchange, 200, "application/json", "[" + event + "," + event + "]");
            }
        });

        assertThat(run("events", "--json").out()).isEqualTo(event + "\n" + event + "\n");
        assertThat(followed("events", "-f", "--json").out())
                .isEqualTo(event + "\n" + event.replace("exit 1", "exit 2") + "\n");
    }

    @Test
    void topOnceIsOneDocumentOfTheApisFiguresUnsummed() {
        fake.on("GET", "/v1/apps", 200, "[" + Fixtures.SHOP_LISTED + "," + Fixtures.BLOG_LISTED + "]");
        fake.on("GET", APP, 200, Fixtures.SHOP);
        fake.on("GET", APP + "/metrics", 200, """
                {"app":"alice/shop","instances":[{"instance":"alice.shop.3.ab12cd","samples":[{"time":\
                "2026-11-26T01:59:50Z","cpuPercent":2.5,"rssBytes":1048576,"openFiles":20,"processes":1,"restarts":0,\
                "uptimeSeconds":3590,"cgroupMemoryBytes":2097152,"cgroupMemoryLimitBytes":536870912}],\
                "traffic":{"requests":10,"status5xx":1,"requestsPerSecond":0.5}}],\
                "traffic":{"requests":10,"status2xx":9,"status3xx":0,"status4xx":0,"status5xx":1,\
                "requestsPerSecond":0.5,"p50Millis":3.0,"p99Millis":12.5}}""");

        String out = run("top", "--once", "--json").out();

        assertThat(out).isEqualTo("{\"time\":\"2026-11-26T02:00:00Z\",\"apps\":[{\"app\":\"alice/shop\","
                + "\"state\":\"degraded\",\"traffic\":{\"requests\":10,\"status2xx\":9,\"status3xx\":0,"
                + "\"status4xx\":0,\"status5xx\":1,\"requestsPerSecond\":0.5,\"p50Millis\":3.0,\"p99Millis\":12.5},"
                + "\"instances\":[{\"instance\":\"alice.shop.3.ab12cd\",\"state\":\"ready\",\"sample\":{"
                + "\"time\":\"2026-11-26T01:59:50Z\",\"cpuPercent\":2.5,\"rssBytes\":1048576,\"openFiles\":20,"
                + "\"processes\":1,\"restarts\":0,\"uptimeSeconds\":3590,\"cgroupMemoryBytes\":2097152,"
                + "\"cgroupMemoryLimitBytes\":536870912},\"traffic\":{\"requests\":10,\"status5xx\":1,"
                + "\"requestsPerSecond\":0.5}}]}]}\n"); // bob/blog has no release: not shown, as in the table
        assertThat(out).doesNotContain("\033");
    }

    @Test
    void envIsTheApisDocumentAndAChangeRefusesJson() {
        fake.on("GET", APP + "/env", 200, "{\"app\":\"alice/shop\",\"release\":3,\"env\":{\"Z\":\"last\",\"A\":\"x=y\"}}");

        assertThat(run("env", "alice/shop", "--json").out())
                .isEqualTo("{\"app\":\"alice/shop\",\"release\":3,\"env\":{\"Z\":\"last\",\"A\":\"x=y\"}}\n");
        CliRun.Result change = new CliRun(fake, home).run("env", "alice/shop", "set", "A=1", "--json");
        assertThat(change.exit()).isEqualTo(2);
        assertThat(change.err()).contains("--json lists the env");
    }

    @Test
    void domainsVolumesAlertsAndHealthAreTheApisDocuments() {
        String domains = "{\"app\":\"alice/shop\",\"defaultHost\":\"shop.alice.localhost\",\"domains\":[\"shop.example.com\"]}";
        fake.on("GET", APP + "/domains", 200, domains);
        fake.on("POST", APP + "/domains", 201, domains);
        fake.on("GET", APP + "/volumes", 200, VolumesCommandTest.TWO);
        String alerts = "{\"app\":\"alice/shop\",\"mail\":[\"ops@example.com\"],\"webhooks\":[],\"rules\":"
                + "[{\"name\":\"down\",\"type\":\"threshold\"}],\"webhookSecret\":\"ab12\"}";
        fake.on("GET", APP + "/alerts", 200, alerts);
        fake.on("GET", APP + "/health", 200, "{\"type\":\"http\",\"path\":\"/healthz\",\"interval\":5.000000000,"
                + "\"timeout\":0.500000000,\"failures\":3,\"restartAfter\":60.000000000}");

        assertThat(run("domains", "alice/shop", "--json").out()).isEqualTo(domains + "\n");
        assertThat(run("domains", "add", "alice/shop", "shop.example.com", "--json").out()).isEqualTo(domains + "\n");
        assertThat(run("volumes", "alice/shop", "--json").out()).isEqualTo("{\"app\":\"alice/shop\",\"agent\":\"vm\","
                + "\"volumes\":[{\"path\":\"data\",\"agent\":\"vm\",\"created\":\"2026-12-05T12:00:00Z\",\"bytes\":2048},"
                + "{\"path\":\"var/uploads\",\"agent\":\"vm\",\"created\":\"2026-12-05T12:00:00Z\"}]}\n");
        assertThat(run("alerts", "alice/shop", "--json").out()).isEqualTo(alerts + "\n");
        assertThat(run("health", "alice/shop", "--json").out()).isEqualTo("{\"type\":\"http\",\"path\":\"/healthz\","
                + "\"interval\":5.0,\"timeout\":0.5,\"failures\":3,\"restartAfter\":60.0}\n");
    }

    @Test
    void aVolumeExportIsNotJson() {
        CliRun.Result result = new CliRun(fake, home).run("volumes", "export", "alice/shop", "data", "--json");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("export writes a tar.gz");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void usersAndTokensAreTheApisLists() {
        String tokens = "[{\"id\":\"t1\",\"user\":\"alice\",\"created\":\"2026-11-01T00:00:00Z\"}]";
        fake.on("GET", "/v1/users", 200, "[{\"name\":\"alice\",\"admin\":false,\"created\":\"2026-11-01T00:00:00Z\","
                + "\"tokens\":" + tokens + "}]");
        fake.on("GET", "/v1/tokens", 200, tokens);

        assertThat(run("users", "ls", "--json").out()).isEqualTo("[{\"name\":\"alice\",\"admin\":false,"
                + "\"created\":\"2026-11-01T00:00:00Z\",\"tokens\":" + tokens + "}]\n");
        assertThat(run("tokens", "ls", "--json").out()).isEqualTo(tokens + "\n");
    }

    @Test
    void auditAndCertificatesAreTheApisLists() {
        String audit = "[{\"time\":\"2026-11-26T01:00:00Z\",\"user\":\"admin\",\"from\":\"127.0.0.1\","
                + "\"action\":\"deploy\",\"app\":\"alice/shop\",\"status\":201,\"detail\":{\"release\":4}}]";
        fake.on("GET", "/v1/audit", 200, audit);
        String certs = "[{\"domain\":\"shop.example.com\",\"subject\":\"CN=shop.example.com\",\"sans\":"
                + "[\"shop.example.com\"],\"notAfter\":\"2027-01-01T00:00:00Z\",\"added\":\"2026-11-01T00:00:00Z\"}]";
        fake.on("GET", APP + "/certificates", 200, certs);

        assertThat(run("audit", "--json").out()).isEqualTo(audit + "\n");
        assertThat(run("certs", "alice/shop", "--json").out()).isEqualTo(certs + "\n");
        assertThat(run("certs", "ls", "alice/shop", "--json").out()).isEqualTo(certs + "\n");
    }
}
