package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.FakeSkep;
import dev.skep.client.Fixtures;
import org.junit.jupiter.api.Test;

class PsCommandTest extends CliTestCase {

    @Test
    void listsEveryAppWithReadyWantedPortsUptimeRestartsAndMemory() {
        fake.on("GET", "/v1/apps", 200, "[" + Fixtures.SHOP_LISTED + "," + Fixtures.BLOG_LISTED + "]");

        CliRun.Result result = new CliRun(fake, home).run("ps");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("""
                APP         RELEASE  READY  STATE     PORTS        UPTIME  RESTARTS  MEMORY
                alice/shop  v3       1/2    degraded  40001,40002  1h 0m   4         50.0 MB
                bob/blog    -        0/1    new       -            -       -         -
                """);
        assertThat(fake.requests()).extracting(FakeSkep.Request::toString).containsExactly("GET /v1/apps");
    }

    @Test
    void fetchesTheInstancesTheListLeftOut() {
        String shopWithout = Fixtures.SHOP_LISTED.replaceAll("(?s)\"instances\":\\[.*\\],\"releases\"",
                "\"instances\":[],\"releases\"");
        fake.on("GET", "/v1/apps", 200, "[" + shopWithout + "," + Fixtures.BLOG_LISTED + "]");
        fake.on("GET", "/v1/apps/alice/shop", 200, Fixtures.SHOP);

        CliRun.Result result = new CliRun(fake, home).run("ps");

        assertThat(result.out()).contains("alice/shop  v3       1/2    degraded  40001,40002");
        // bob/blog was never deployed: nothing to fetch
        assertThat(fake.requests()).extracting(FakeSkep.Request::toString)
                .containsExactlyInAnyOrder("GET /v1/apps", "GET /v1/apps/alice/shop");
    }

    @Test
    void showsOneAppWithARowPerInstanceAndItsReleases() {
        fake.on("GET", "/v1/apps/alice/shop", 200, Fixtures.SHOP);

        CliRun.Result result = new CliRun(fake, home).run("ps", "alice/shop");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("""
                APP         RELEASE  READY  STATE     PORTS        UPTIME  RESTARTS  MEMORY
                alice/shop  v3       1/2    degraded  40001,40002  1h 0m   4         50.0 MB
                url: http://shop.alice.localhost:8080

                PROCESS  INSTANCE             RELEASE  STATE    HOST:PORT        PID   UPTIME  RESTARTS  MEMORY   CPU   LAST EXIT
                web      alice.shop.3.ab12cd  v3       ready    127.0.0.1:40001  4242  1h 0m   0         50.0 MB  1.5%  -
                web      alice.shop.3.ef34ab  v3       backoff  127.0.0.1:40002  4243  -       4         -        -     code 1

                RELEASE  CREATED               BY     NODE     NOTE    COMMAND
                *v3      2026-11-26T01:00:00Z  alice  22.23.5  deploy  node server.js
                 v2      2026-11-25T01:00:00Z  alice  host     deploy  node server.js
                """);
    }

    @Test
    void jsonIsOneDocumentWithTheApisFields() {
        fake.on("GET", "/v1/apps", 200, "[" + Fixtures.SHOP_LISTED + "," + Fixtures.BLOG_LISTED + "]");
        fake.on("GET", "/v1/apps/alice/shop", 200, Fixtures.SHOP);

        CliRun.Result list = new CliRun(fake, home).run("ps", "--json");
        CliRun.Result one = new CliRun(fake, home).run("ps", "alice/shop", "--json");

        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).startsWith("[{\"app\":\"alice/shop\"").contains("{\"app\":\"bob/blog\"")
                .contains("\"url\":\"http://shop.alice.localhost:8080\"").endsWith("]\n").doesNotContain("PROCESS");
        assertThat(list.out().lines()).hasSize(1);
        assertThat(one.out()).startsWith("{\"app\":\"alice/shop\"").contains("\"instances\":[{").endsWith("}\n");
    }

    @Test
    void releasesJsonIsTheApisList() {
        fake.on("GET", "/v1/apps/alice/shop/releases", 200, "[{\"number\":2,\"created\":\"2026-11-26T01:00:00Z\","
                + "\"createdBy\":\"alice\",\"current\":true,\"status\":\"live\",\"slugBytes\":1024}]");

        CliRun.Result result = new CliRun(fake, home).run("releases", "alice/shop", "--json");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("[{\"number\":2,\"created\":\"2026-11-26T01:00:00Z\",\"createdBy\":\"alice\","
                + "\"current\":true,\"status\":\"live\",\"slugBytes\":1024}]\n");
    }

    @Test
    void saysHowToStartWhenThereAreNoApps() {
        fake.on("GET", "/v1/apps", 200, "[]");

        assertThat(new CliRun(fake, home).run("ps").out()).startsWith("no apps yet: deploy one with `skep deploy");
    }

    @Test
    void saysWhichAgentKeepsTheAppsVolumes() {
        fake.on("GET", "/v1/apps/alice/shop", 200, Fixtures.SHOP.replaceFirst("\\{", "{\"volumes\":[\"data\",\"var/uploads\"],"
                + "\"volumesAgent\":\"vm\","));

        CliRun.Result result = new CliRun(fake, home).run("ps", "alice/shop");

        assertThat(result.out()).contains("url: http://shop.alice.localhost:8080\n"
                + "volumes: data, var/uploads (kept on agent vm: the app runs only there)\n");
    }
}
