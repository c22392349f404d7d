package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.FakeSkep;
import dev.skep.client.Fixtures;
import org.junit.jupiter.api.Test;

/** skep health USER/APP, health set, health rm: the requests each sends and what it prints. */
class HealthCommandTest extends CliTestCase {

    private static final String HTTP_CHECK = """
            {"type":"http","path":"/healthz","interval":5.000000000,"timeout":0.500000000,"failures":3,\
            "restartAfter":60.000000000}""";

    private CliRun.Result run(String... args) {
        return new CliRun(fake, home).run(args);
    }

    @Test
    void showsTheAppsCheck() {
        fake.on("GET", "/v1/apps/alice/shop/health", 200, HTTP_CHECK);

        CliRun.Result result = run("health", "alice/shop");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("""
                app:           alice/shop
                check:         http GET /healthz answers 2xx/3xx
                interval:      5s
                timeout:       500ms
                failures:      3 in a row make an instance unhealthy
                restart after: 60s unhealthy
                """);
    }

    @Test
    void saysWhenThereIsNoCheck() {
        fake.on("GET", "/v1/apps/alice/shop/health", 200, "{\"type\":\"off\"}");

        assertThat(run("health", "alice/shop").out()).contains("check:         off");
    }

    @Test
    void setsAnHttpCheckWithAPatchInSecondsThenShowsIt() {
        fake.on("PATCH", "/v1/apps/alice/shop", 200, Fixtures.shop("running", true, 1));
        fake.on("GET", "/v1/apps/alice/shop/health", 200, HTTP_CHECK);

        CliRun.Result result = run("health", "set", "alice/shop", "--path", "/healthz", "--interval", "5s",
                "--timeout", "500ms", "--failures", "3", "--restart-after", "1m");

        assertThat(result.exit()).as(result.err()).isZero();
        FakeSkep.Request patch = fake.requests().get(0);
        assertThat(patch).hasToString("PATCH /v1/apps/alice/shop");
        assertThat(patch.bodyText()).isEqualTo("{\"health\":{\"type\":\"http\",\"path\":\"/healthz\",\"interval\":5.0,"
                + "\"timeout\":0.5,\"failures\":3,\"restartAfter\":60.0}}");
        assertThat(result.out()).contains("check:         http GET /healthz");
    }

    @Test
    void setsATcpCheckWithTheDefaultsLeftToTheServer() {
        fake.on("PATCH", "/v1/apps/alice/shop", 200, Fixtures.shop("running", true, 1));
        fake.on("GET", "/v1/apps/alice/shop/health", 200, """
                {"type":"tcp","interval":5.0,"timeout":2.0,"failures":3,"restartAfter":60.0}""");

        CliRun.Result result = run("health", "set", "alice/shop", "--tcp");

        assertThat(result.exit()).isZero();
        assertThat(fake.requests().get(0).bodyText()).isEqualTo("{\"health\":{\"type\":\"tcp\"}}");
        assertThat(result.out()).contains("check:         tcp connect to the port");
    }

    @Test
    void needsEitherAPathOrTcp() {
        CliRun.Result neither = run("health", "set", "alice/shop");
        CliRun.Result both = run("health", "set", "alice/shop", "--tcp", "--path", "/h");

        assertThat(neither.exit()).isEqualTo(2);
        assertThat(both.exit()).isEqualTo(2);
        assertThat(neither.err()).contains("give either --path PATH (an HTTP check) or --tcp");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void namesItsVerbsWhenNoAppIsGiven() {
        // the usage line lists the subcommands (ShowVerb reads them from picocli): alerts has one more
        CliRun.Result health = run("health");
        CliRun.Result alerts = run("alerts");

        assertThat(health.exit()).isEqualTo(2);
        assertThat(health.err()).contains("name the app: skep health USER/APP, or skep health set|rm USER/APP");
        assertThat(alerts.exit()).isEqualTo(2);
        assertThat(alerts.err()).contains("name the app: skep alerts USER/APP, or skep alerts set|rm|test USER/APP");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void refusesADurationItCannotRead() {
        CliRun.Result result = run("health", "set", "alice/shop", "--tcp", "--interval", "soon");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("'soon' is not a duration");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void removesTheCheck() {
        fake.on("PATCH", "/v1/apps/alice/shop", 200, Fixtures.shop("running", true, 1));

        CliRun.Result result = run("health", "rm", "alice/shop");

        assertThat(result.exit()).isZero();
        assertThat(fake.last().bodyText()).isEqualTo("{\"health\":{\"type\":\"off\"}}");
        assertThat(result.out()).isEqualTo("health check of alice/shop removed\n");
    }
}
