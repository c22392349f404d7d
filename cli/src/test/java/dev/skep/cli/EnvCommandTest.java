package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EnvCommandTest extends CliTestCase {

    private static final String ENV = "/v1/apps/alice/shop/env";

    private CliRun.Result run(String... args) {
        return new CliRun(fake, home).run(args);
    }

    @Test
    void listsTheEnvSortedAsKeyEqualsValue() {
        fake.on("GET", ENV, 200, "{\"app\":\"alice/shop\",\"release\":3,\"env\":{\"Z\":\"last\",\"A\":\"x=y\"}}");

        CliRun.Result result = run("env", "alice/shop");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("A=x=y\nZ=last\n");
    }

    @Test
    void saysHowToSetWhenTheEnvIsEmpty() {
        fake.on("GET", ENV, 200, "{\"app\":\"alice/shop\",\"release\":3,\"env\":{}}");

        CliRun.Result result = run("env", "alice/shop");

        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("skep env alice/shop set KEY=VALUE");
    }

    @Test
    void importsADotenvFileAsOneChange() throws Exception {
        fake.on("PATCH", ENV, 200, "{\"app\":\"alice/shop\",\"release\":5,\"env\":{\"A\":null,\"B\":null}}");
        Path file = home.resolve(".env");
        Files.writeString(file, "# local settings\nA=1\nexport B=\"two words\"\n");

        CliRun.Result result = run("env", "alice/shop", "import", file.toString());

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(fake.last().bodyText()).isEqualTo("{\"set\":{\"A\":\"1\",\"B\":\"two words\"},\"unset\":[]}");
        assertThat(result.out()).contains("import A, B on alice/shop: release v5");
    }

    @Test
    void aDotenvFileWithABadLineChangesNothing() throws Exception {
        Path file = home.resolve("bad.env");
        Files.writeString(file, "A=1\nnot an assignment\n");

        CliRun.Result result = run("env", "alice/shop", "import", file.toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("line 2 is not KEY=VALUE");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void setsKeysWithAPatch() {
        fake.on("PATCH", ENV, 200, "{\"app\":\"alice/shop\",\"release\":4,\"env\":{\"A\":null,\"B\":null}}");

        CliRun.Result result = run("env", "alice/shop", "set", "A=1", "B=x=y", "EMPTY=");

        assertThat(result.exit()).isZero();
        assertThat(fake.last()).hasToString("PATCH /v1/apps/alice/shop/env");
        assertThat(fake.last().bodyText())
                .isEqualTo("{\"set\":{\"A\":\"1\",\"B\":\"x=y\",\"EMPTY\":\"\"},\"unset\":[]}");
        assertThat(result.out()).isEqualTo("set A, B, EMPTY on alice/shop: release v4 (the instances restart with it)\n");
    }

    @Test
    void unsetsKeysWithAPatch() {
        fake.on("PATCH", ENV, 200, "{\"app\":\"alice/shop\",\"release\":5,\"env\":{}}");

        CliRun.Result result = run("env", "alice/shop", "unset", "A", "B");

        assertThat(result.exit()).isZero();
        assertThat(fake.last().bodyText()).isEqualTo("{\"set\":{},\"unset\":[\"A\",\"B\"]}");
        assertThat(result.out()).startsWith("unset A, B on alice/shop: release v5");
    }

    @Test
    void refusesWhatIsNotKeyEqualsValue() {
        CliRun.Result result = run("env", "alice/shop", "set", "A");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("'A' is not KEY=VALUE");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void refusesAnInvalidKeyAndAnUnknownAction() {
        assertThat(run("env", "alice/shop", "set", "1A=x").err()).contains("invalid env key '1A'");
        assertThat(run("env", "alice/shop", "add", "A=1").err()).contains("unknown env action 'add'");
        assertThat(run("env", "alice/shop", "unset").err()).contains("name at least one key");
        assertThat(fake.requests()).isEmpty();
    }
}
