package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** skep volumes: the request each form sends and what it prints. */
class VolumesCommandTest extends CliTestCase {

    static final String TWO = "{\"app\":\"alice/shop\",\"agent\":\"vm\",\"volumes\":["
            + "{\"path\":\"data\",\"agent\":\"vm\",\"created\":\"2026-12-05T12:00:00Z\",\"bytes\":2048},"
            + "{\"path\":\"var/uploads\",\"agent\":\"vm\",\"created\":\"2026-12-05T12:00:00Z\",\"bytes\":null}]}";
    static final String NONE = "{\"app\":\"alice/shop\",\"agent\":null,\"volumes\":[]}";

    private CliRun.Result run(String... args) {
        return new CliRun(fake, home).run(args);
    }

    @Test
    void listsPathsAgentsAndSizes() {
        fake.on("GET", "/v1/apps/alice/shop/volumes", 200, TWO);

        CliRun.Result result = run("volumes", "alice/shop");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("PATH").contains("data").contains("vm").contains("2.0 KB")
                .contains("var/uploads").contains("(elsewhere)");
    }

    @Test
    void addsWithThePathInTheBody() {
        fake.on("POST", "/v1/apps/alice/shop/volumes", 201, TWO);

        CliRun.Result result = run("volumes", "add", "alice/shop", "data");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(fake.last().bodyText()).isEqualTo("{\"path\":\"data\"}");
        assertThat(result.out()).startsWith("added volume data to alice/shop on agent vm; its instances are replaced");
    }

    @Test
    void removesWithSlashesAsPlusAndPurgesOnlyWhenAsked() {
        fake.on("DELETE", "/v1/apps/alice/shop/volumes/var+uploads", 200, NONE);

        assertThat(run("volumes", "rm", "alice/shop", "var/uploads").out()).contains("its data is kept")
                .contains("alice/shop has no volumes");
        assertThat(fake.last().query()).isNull();
        assertThat(run("volumes", "rm", "alice/shop", "var/uploads", "--purge").out()).contains("deleted its data");
        assertThat(fake.last().query()).isEqualTo("purge=true");
    }

    @Test
    void saysHowToUseItOnAWrongForm() {
        CliRun.Result result = run("volumes", "mount", "alice/shop", "data");

        assertThat(result.exit()).isNotZero();
        assertThat(result.err()).contains("skep volumes add|rm USER/APP PATH");
    }
}
