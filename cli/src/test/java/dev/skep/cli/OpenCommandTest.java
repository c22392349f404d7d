package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skep open: runs a real executable found on the PATH skep is given, or prints the URL. */
class OpenCommandTest extends CliTestCase {

    @TempDir
    Path bin;

    @BeforeEach
    void answer() {
        fake.on("GET", "/v1/apps/alice/shop", 200, Fixtures.SHOP);
    }

    /** A browser that writes what it was asked to open to a file, and exits with the given code. */
    private Path browser(String name, int exit) throws IOException {
        Path script = bin.resolve(name);
        Files.writeString(script, "#!/bin/sh\necho \"$1\" > " + bin.resolve(name + ".opened") + "\nexit " + exit + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void opensTheUrlWithXdgOpenOnADesktop() throws IOException {
        browser("xdg-open", 0);

        CliRun.Result result = new CliRun(fake, home).env("PATH", bin.toString()).env("DISPLAY", ":0")
                .run("open", "alice/shop");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("opened http://shop.alice.localhost:8080\n");
        assertThat(Files.readString(bin.resolve("xdg-open.opened"))).isEqualTo("http://shop.alice.localhost:8080\n");
    }

    @Test
    void printsTheUrlWithoutADisplayOrWhenAsked() throws IOException {
        browser("xdg-open", 0);

        CliRun.Result headless = new CliRun(fake, home).env("PATH", bin.toString()).run("open", "alice/shop");
        CliRun.Result asked = new CliRun(fake, home).env("PATH", bin.toString()).env("DISPLAY", ":0")
                .run("open", "alice/shop", "--print-url");

        assertThat(headless.out()).isEqualTo("http://shop.alice.localhost:8080\n");
        assertThat(asked.out()).isEqualTo("http://shop.alice.localhost:8080\n");
        assertThat(bin.resolve("xdg-open.opened")).doesNotExist();
    }

    @Test
    void browserWinsAndItsFailureIsReported() throws IOException {
        Path browser = browser("my-browser", 3);

        CliRun.Result result = new CliRun(fake, home).env("BROWSER", browser.toString()).run("open", "alice/shop");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains(browser + " could not open http://shop.alice.localhost:8080 (exit 3)")
                .contains("--print-url");
        assertThat(bin.resolve("my-browser.opened")).exists();
    }

    @Test
    void anUnknownAppIsTheServersRefusal() {
        CliRun.Result result = new CliRun(fake, home).run("open", "alice/nope");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("no route GET /v1/apps/alice/nope");
    }
}
