package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * skep set USER/APP --idle-stop: the PATCH it sends (seconds, 0 for off), what it prints, and bad durations; the
 * listing with the probation window.
 */
class SetCommandTest extends CliTestCase {

    private CliRun.Result run(String... args) {
        return new CliRun(fake, home).run(args);
    }

    private void settings(long idleStop) {
        fake.on("PATCH", "/v1/apps/alice/blog", 200, Fixtures.shop("running", true, 1));
        fake.on("GET", "/v1/apps/alice/blog/route", 200,
                "{\"maxBodyBytes\":0,\"httpsOnly\":false,\"sticky\":false,\"idleStopSeconds\":" + idleStop + "}");
        probation(10, true);
    }

    private void probation(long seconds, boolean installDefault) {
        fake.on("GET", "/v1/apps/alice/blog/probation", 200, "{\"app\":\"alice/blog\",\"seconds\":" + seconds
                + ",\"installDefault\":" + installDefault + "}");
    }

    @Test
    void theListingShowsTheProbationWindowBesideTheRouterSettings() {
        settings(0);
        CliRun.Result result = run("set", "alice/blog");
        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("alice/blog: body limit the router's default, https only off, sticky "
                + "sessions off, idle stop off, probation 10s (the install's default)");
        probation(120, false);
        assertThat(run("set", "alice/blog").out()).contains("idle stop off, probation 2m\n");
        probation(0, false);
        assertThat(run("set", "alice/blog").out()).contains("idle stop off, probation off\n");
    }

    @Test
    void setsAnIdleStopInSecondsAndShowsIt() {
        settings(900);
        CliRun.Result result = run("set", "alice/blog", "--idle-stop", "15m");
        assertThat(result.exit()).isZero();
        assertThat(fake.requests().get(0).bodyText()).isEqualTo("{\"idleStop\":900}");
        assertThat(result.out()).contains("idle stop 15m").contains("live on the routers within a second");
    }

    @Test
    void offSendsZero() {
        settings(0);
        CliRun.Result result = run("set", "alice/blog", "--idle-stop", "off");
        assertThat(result.exit()).isZero();
        assertThat(fake.requests().get(0).bodyText()).isEqualTo("{\"idleStop\":0}");
        assertThat(result.out()).contains("idle stop off");
    }

    @Test
    void refusesWhatIsNotADurationBeforeSendingAnything() {
        for (String bad : new String[] {"soon", "-5s", "8d", "99999999999999999d", "m"}) {
            CliRun.Result result = run("set", "alice/blog", "--idle-stop", bad);
            assertThat(result.exit()).as(bad).isEqualTo(2);
            assertThat(result.err()).as(bad).contains("--idle-stop must be a duration from 1s to 7d");
        }
        assertThat(fake.requests()).isEmpty();
    }
}
