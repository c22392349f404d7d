package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** start, stop, restart, scale, rollback, delete: the request each sends and what it prints. */
class AppVerbsTest extends CliTestCase {

    private CliRun.Result run(String... args) {
        return new CliRun(fake, home).run(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"start", "stop", "restart"})
    void postsToTheVerbsPathAndPrintsTheAppsState(String verb) {
        fake.on("POST", "/v1/apps/alice/shop/" + verb, 200, Fixtures.shop("running", true, 1));

        CliRun.Result result = run(verb, "alice/shop");

        assertThat(result.exit()).isZero();
        assertThat(fake.last()).hasToString("POST /v1/apps/alice/shop/" + verb);
        assertThat(fake.last().body()).isEmpty();
        assertThat(result.out()).isEqualTo("alice/shop: running, 1/1 instances ready, release v3\n");
    }

    @Test
    void createPostsToTheAppsPathAndSaysWhatComesNext() {
        fake.on("POST", "/v1/apps/alice/shop", 201, Fixtures.shop("stopped", false, 0));

        CliRun.Result result = run("create", "alice/shop");

        assertThat(result.exit()).isZero();
        assertThat(fake.last()).hasToString("POST /v1/apps/alice/shop");
        assertThat(result.out()).isEqualTo("created alice/shop: set its env with `skep env alice/shop set KEY=VALUE` "
                + "(its first build sees it), then `skep deploy --app alice/shop`\n");

        // the hint is a command skep takes (it once named `skep env set alice/shop`, a usage error)
        fake.on("PATCH", "/v1/apps/alice/shop/env", 200,
                "{\"app\":\"alice/shop\",\"release\":0,\"env\":{\"KEY\":null}}");
        String hint = result.out().replaceAll("(?s).*?`skep (env [^`]*)`.*", "$1");
        CliRun.Result env = run(hint.split(" "));
        assertThat(env.exit()).as(env.err()).isZero();
        assertThat(env.out()).isEqualTo("set KEY on alice/shop: no release serves yet: the next deploy builds and "
                + "runs with it\n");
    }

    @Test
    void createOfAnAppThatExistsSaysSo() {
        fake.on("POST", "/v1/apps/alice/shop", 409,
                "{\"error\":\"app alice/shop exists\",\"detail\":\"deploy to it, or delete it first\"}");

        CliRun.Result result = run("create", "alice/shop");

        assertThat(result.exit()).isNotZero();
        assertThat(result.err()).contains("app alice/shop exists");
    }

    @Test
    void saysHowToWatchWhenInstancesAreNotReadyYet() {
        fake.on("POST", "/v1/apps/alice/shop/start", 200, Fixtures.shop("starting", true, 2));

        assertThat(run("start", "alice/shop").out()).isEqualTo("""
                alice/shop: starting, 1/2 instances ready, release v3
                watch it settle with `skep ps alice/shop`
                """);
    }

    @Test
    void countsOnlyTheReleasesInstancesNotAnOldOneKeptWarm() {
        // release 4 serves; release 3's instance is still up (a probation keeps it warm)
        String json = Fixtures.shop("running", true, 1).replace("\"release\":3,\"instancesWanted\"",
                "\"release\":4,\"instancesWanted\"").replace("\"instances\":[",
                "\"instances\":[" + Fixtures.INSTANCE_1.replace("alice.shop.3.ab12cd", "alice.shop.4.aa11bb")
                        .replace("\"release\":3", "\"release\":4") + ",");
        fake.on("POST", "/v1/apps/alice/shop/start", 200, json);

        assertThat(run("start", "alice/shop").out()).isEqualTo("alice/shop: running, 1/1 instances ready, release v4\n");
    }

    @Test
    void scalesWithAPatch() {
        fake.on("PATCH", "/v1/apps/alice/shop", 200, Fixtures.shop("starting", true, 3));

        CliRun.Result result = run("scale", "alice/shop", "3");

        assertThat(result.exit()).isZero();
        assertThat(fake.last().bodyText()).isEqualTo("{\"instances\":3}");
        assertThat(result.out()).startsWith("alice/shop: starting, 1/3 instances ready");
    }

    @Test
    void scalesProcessTypesWithAFormation() {
        fake.on("PATCH", "/v1/apps/alice/shop", 200, Fixtures.shop("starting", true, 3));

        CliRun.Result result = run("scale", "alice/shop", "web=2", "worker=0");

        assertThat(result.exit()).isZero();
        assertThat(fake.last().bodyText()).isEqualTo("{\"formation\":{\"web\":2,\"worker\":0}}");
    }

    @Test
    void refusesAScaleThatIsNotTypeEqualsN() {
        for (List<String> bad : List.of(List.of("web=-1"), List.of("Web.1=2"), List.of("worker"), List.of("web=1", "web=2"),
                List.of("2", "worker=1"))) {
            List<String> args = new ArrayList<>(List.of("scale", "alice/shop"));
            args.addAll(bad);
            CliRun.Result result = run(args.toArray(String[]::new));
            assertThat(result.exit()).as(bad.toString()).isEqualTo(2);
        }
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void refusesANegativeScale() {
        CliRun.Result result = run("scale", "alice/shop", "-1");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void rollsBackToThePreviousRelease() {
        fake.on("POST", "/v1/apps/alice/shop/rollback", 200, Fixtures.shop("running", true, 1).replace(
                "\"release\":3,\"instancesWanted\"", "\"release\":2,\"instancesWanted\""));

        CliRun.Result result = run("rollback", "alice/shop");

        assertThat(result.exit()).isZero();
        assertThat(fake.last().bodyText()).isEqualTo("{}");
        assertThat(result.out()).startsWith("rolled back alice/shop to release v2\n");
    }

    @Test
    void rollsBackToAGivenRelease() {
        fake.on("POST", "/v1/apps/alice/shop/rollback", 200, Fixtures.SHOP);

        assertThat(run("rollback", "alice/shop", "2").exit()).isZero();
        assertThat(fake.last().bodyText()).isEqualTo("{\"release\":2}");
    }

    @Test
    void deletesOnlyWhenConfirmed() {
        fake.on("DELETE", "/v1/apps/alice/shop", 204, null);

        CliRun.Result unconfirmed = run("delete", "alice/shop");
        assertThat(unconfirmed.exit()).isEqualTo(2);
        assertThat(unconfirmed.err()).contains("add --yes");
        assertThat(fake.requests()).isEmpty();

        CliRun.Result confirmed = run("delete", "alice/shop", "--yes");
        assertThat(confirmed.exit()).isZero();
        assertThat(confirmed.out()).isEqualTo("deleted alice/shop\n");
        assertThat(fake.last()).hasToString("DELETE /v1/apps/alice/shop");
    }
}
