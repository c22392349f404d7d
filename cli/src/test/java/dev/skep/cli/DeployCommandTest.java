package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.FakeSkep;
import dev.skep.client.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployCommandTest extends CliTestCase {

    private static final String RELEASES = "/v1/apps/alice/shop/releases";

    @TempDir
    Path app;

    @BeforeEach
    void writeApp() throws IOException {
        write("package.json", "{\"name\":\"shop\",\"scripts\":{\"start\":\"node server.js\"}}");
        write("server.js", "require('http').createServer((q, s) => s.end('hi')).listen(process.env.PORT)");
        write("bin/run.sh", "#!/bin/sh\nexec node server.js\n");
        Files.setPosixFilePermissions(app.resolve("bin/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        write("lib/a.js", "module.exports = 1");
        write("lib/node_modules/dep/index.js", "nested dependency");
        write(".git/HEAD", "ref: refs/heads/main");
        write("node_modules/express/index.js", "express");
        write(".skepignore", "# logs and secrets stay home\n*.log\n!keep.log\nsecrets/\n/build\n");
        write("app.log", "noise");
        write("lib/debug.log", "noise");
        write("keep.log", "wanted");
        write("secrets/key", "s3cret");
        write("build/out.js", "built locally");
        write("src/build/x.js", "not the root build dir");
        Files.createSymbolicLink(app.resolve("current"), Path.of("lib"));
        Files.createSymbolicLink(app.resolve("passwd"), Path.of("/etc/passwd"));
    }

    private void write(String name, String text) throws IOException {
        Path file = app.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private void answerWithProgress() {
        fake.on("POST", RELEASES, (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "application/x-ndjson")) {
                FakeSkep.writeLine(out, "{\"stage\":\"received\",\"bytes\":" + request.body().length + "}");
                FakeSkep.writeLine(out, "{\"stage\":\"unpacked\"}");
                FakeSkep.writeLine(out, "{\"stage\":\"build\",\"message\":\"> npm ci\"}");
                FakeSkep.writeLine(out, "{\"stage\":\"build\",\"message\":\"added 1 package in 1s\"}");
                FakeSkep.writeLine(out, "{\"stage\":\"built\"}");
                FakeSkep.writeLine(out, "{\"stage\":\"starting\"}");
                FakeSkep.writeLine(out, "{\"stage\":\"done\",\"result\":" + Fixtures.DEPLOY_RESULT.replace("\n", "") + "}");
            }
        });
    }

    @Test
    void uploadsTheDirectoryAsATarballWithoutWhatIsIgnored() throws IOException {
        answerWithProgress();

        CliRun.Result result = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop");

        assertThat(result.exit()).as(result.err()).isZero();
        FakeSkep.Request request = fake.last();
        assertThat(request).hasToString("POST " + RELEASES);
        assertThat(request.header("Content-Type")).isEqualTo("application/gzip");
        Map<String, TarArchiveEntry> entries = readTar(request.body());
        assertThat(entries.keySet()).containsExactly(
                ".skepignore", "bin/", "bin/run.sh", "current", "keep.log", "lib/", "lib/a.js", "package.json",
                "server.js", "src/", "src/build/", "src/build/x.js");
        assertThat(entries.get("bin/run.sh").getMode() & 07777).isEqualTo(0755);
        assertThat(entries.get("server.js").getMode() & 07777)
                .isEqualTo(modeOf(app.resolve("server.js")));
        assertThat(entries.get("bin/").isDirectory()).isTrue();
        assertThat(entries.get("current").isSymbolicLink()).isTrue();
        assertThat(entries.get("current").getLinkName()).isEqualTo("lib");
        assertThat(entries.get("server.js").getSize()).isEqualTo(Files.size(app.resolve("server.js")));
        assertThat(entries.get("server.js").getLongUserId()).isZero();
        assertThat(result.err()).contains("warning: left out passwd: a link to /etc/passwd, outside the app");
    }

    @Test
    void showsUploadAndBuildProgressThenTheUrlAndInstances() {
        answerWithProgress();

        CliRun.Result result = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop");

        assertThat(result.out())
                .containsPattern("packed 7 files \\(.+\\) from " + app + " into .+\n")
                .containsPattern("uploading .+ to " + fake.uri() + " as alice/shop\n")
                .containsPattern("uploaded .+ in \\d+ ms\n")
                .contains("""
                        -----> unpacked
                        -----> building
                               > npm ci
                               added 1 package in 1s
                        -----> built
                        -----> starting
                        -----> released v4 of alice/shop in 4.2 s (build 1.5 s)
                               http://shop.alice.localhost:8080

                        PROCESS  INSTANCE             RELEASE  STATE  HOST:PORT        PID   UPTIME  RESTARTS  MEMORY   CPU   LAST EXIT
                        web      alice.shop.3.ab12cd  v4       ready  127.0.0.1:40001  4242  1h 0m   0         50.0 MB  1.5%  -
                        """);
    }

    @Test
    void aFailedBuildExitsWith1AfterShowingTheBuildOutput() {
        fake.on("POST", RELEASES, (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "application/x-ndjson")) {
                FakeSkep.writeLine(out, "{\"stage\":\"build\",\"message\":\"npm ERR! missing script: start\"}");
                FakeSkep.writeLine(out, "{\"stage\":\"error\",\"error\":{\"error\":\"build failed\","
                        + "\"detail\":\"npm ci exited with code 1; the previous release keeps serving\"}}");
            }
        });

        CliRun.Result result = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).contains("       npm ERR! missing script: start");
        assertThat(result.err()).endsWith(
                "error: build failed\nnpm ci exited with code 1; the previous release keeps serving\n");
    }

    @Test
    void theFirstDeployNeedsAnApp() {
        CliRun.Result result = new CliRun(fake, home).run("deploy", app.toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("which app? " + app + " has no .skep file yet")
                .contains("--app USER/APP").contains("--app USER/");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void remembersTheAppInDotSkepWhichIsNeverUploaded() throws IOException {
        answerWithProgress();

        CliRun.Result first = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("remembered alice/shop in " + app.resolve(".skep"));
        assertThat(Files.readString(app.resolve(".skep"))).contains("app=alice/shop\n");

        CliRun.Result second = new CliRun(fake, home).run("deploy", app.toString());
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).contains("as alice/shop").doesNotContain("remembered");
        assertThat(fake.last()).hasToString("POST " + RELEASES);
        assertThat(readTar(fake.last().body())).doesNotContainKey(".skep").containsKey("package.json");
    }

    @Test
    void anotherAppGivenLaterIsRememberedInstead() throws IOException {
        answerWithProgress();
        fake.on("POST", "/v1/apps/alice/shop-staging/releases", (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "application/x-ndjson")) {
                FakeSkep.writeLine(out, "{\"stage\":\"done\",\"result\":" + Fixtures.DEPLOY_RESULT.replace("\n", "") + "}");
            }
        });
        new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop");

        CliRun.Result staging = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop-staging");

        assertThat(staging.exit()).as(staging.err()).isZero();
        assertThat(Files.readString(app.resolve(".skep"))).contains("app=alice/shop-staging");
    }

    @Test
    void userSlashTakesTheNameInPackageJson() throws IOException {
        answerWithProgress();

        CliRun.Result result = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(fake.last()).hasToString("POST " + RELEASES);
        assertThat(Files.readString(app.resolve(".skep"))).contains("app=alice/shop");

        write("package.json", "{\"name\":\"@acme/Shop\"}");
        CliRun.Result scoped = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/");
        assertThat(scoped.exit()).isEqualTo(1);
        assertThat(scoped.err()).contains("the name \"@acme/Shop\" in " + app.resolve("package.json")
                + " is not a valid app name").contains("--app alice/APP");
    }

    @Test
    void aFailedDeployRemembersNothing() {
        fake.on("POST", RELEASES, 422, "{\"error\":\"build failed\"}");

        CliRun.Result result = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(app.resolve(".skep")).doesNotExist();
    }

    @Test
    void aDeployTheServerTookButWhoseReleaseFailedIsRememberedForTheFix() throws IOException {
        // a first deploy that builds and dies at start (a NestJS starter's 'nest start'): the app exists, and the
        // next try from here must not ask again which app it is
        fake.on("POST", RELEASES, (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "application/x-ndjson")) {
                FakeSkep.writeLine(out, "{\"stage\":\"received\",\"bytes\":" + request.body().length + "}");
                FakeSkep.writeLine(out, "{\"stage\":\"starting\"}");
                FakeSkep.writeLine(out, "{\"stage\":\"error\",\"error\":{\"error\":\"release 1 of alice/shop did "
                        + "not start\",\"detail\":\"nothing was running before\"}}");
            }
        });

        CliRun.Result failed = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop");

        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).contains("release 1 of alice/shop did not start");
        assertThat(failed.out()).contains("remembered alice/shop in " + app.resolve(".skep"));
        assertThat(Files.readString(app.resolve(".skep"))).contains("app=alice/shop\n");
    }

    @Test
    void aBrokenDotSkepSaysHowToFixIt() throws IOException {
        write(".skep", "app=Alice/..\n");

        CliRun.Result result = new CliRun(fake, home).run("deploy", app.toString());

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains(app.resolve(".skep") + " names no valid app").contains("--app USER/APP");
    }

    @Test
    void honoursGitignoreFilesUnderSkepignoreAndNeverSendsSecrets() throws IOException {
        answerWithProgress();
        write(".gitignore", "dist/\n.cache\n");
        write("dist/server.js", "built output the app needs");
        write(".cache/big", "cache");
        write("lib/.gitignore", "generated.js\n/local/\n");
        write("lib/generated.js", "ignored by lib's own .gitignore");
        write("lib/local/x.js", "anchored at lib/");
        write("lib/sub/local/y.js", "not anchored here");
        write(".skepignore", "!dist/\n"); // git leaves the build output out; the deploy wants it
        write(".env", "STRIPE_KEY=sk_live_123");
        write("config/.env", "DB_PASSWORD=hunter2");
        write("admin.token", "skt_admin");
        write("data/admin.token", "skt_admin");
        write("data/zk.secret", "secret");
        write("data/zk/version-2/log.1", "state");

        CliRun.Result result = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop");

        assertThat(result.exit()).as(result.err()).isZero();
        Map<String, TarArchiveEntry> entries = readTar(fake.last().body());
        assertThat(entries).containsKeys("dist/", "dist/server.js", "lib/a.js", "lib/sub/local/y.js", ".gitignore");
        assertThat(entries).doesNotContainKeys(".cache/", ".cache/big", "lib/generated.js", "lib/local/", "lib/local/x.js",
                ".env", "config/.env", "admin.token", "data/", "data/admin.token", "data/zk.secret");
        assertThat(result.err()).contains("left out data/: a skep data dir");
    }

    @Test
    void refusesAnUploadAbove200MbWithoutForceNamingWhatIsBig() throws IOException {
        answerWithProgress();
        Path big = app.resolve("videos/intro.bin");
        Files.createDirectories(big.getParent());
        byte[] chunk = new byte[1 << 20];
        Random random = new Random(7); // incompressible, like media
        try (OutputStream out = Files.newOutputStream(big)) {
            for (int i = 0; i < 205; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }

        CliRun.Result refused = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("more than 200 MB").contains("videos/").contains("--force");
        assertThat(fake.requests()).isEmpty();

        CliRun.Result forced = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop", "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
    }

    @Test
    void refusesADirectoryWithoutPackageJsonOrProcfileAndIgnoreRulesThatLeaveThemOut() throws IOException {
        Path empty = Files.createDirectories(app.resolve("not-an-app"));
        Files.writeString(empty.resolve("README.md"), "hello");
        CliRun.Result notApp = new CliRun(fake, home).run("deploy", empty.toString(), "--app", "alice/shop");
        assertThat(notApp.exit()).isNotZero();
        assertThat(notApp.err()).contains("neither package.json nor Procfile");

        write(".gitignore", "*\n");
        CliRun.Result everything = new CliRun(fake, home).run("deploy", app.toString(), "--app", "alice/shop");
        assertThat(everything.exit()).isNotZero();
        assertThat(everything.err()).contains("leave out package.json");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void refusesADirectoryThatIsNotThere() {
        CliRun.Result result = new CliRun(fake, home).run("deploy", app.resolve("nope").toString(), "-a", "alice/shop");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("is not a directory").doesNotContain("use: skep deploy -a");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void anAppNamedWhereTheDirGoesIsPointedToDashA() {
        CliRun.Result result = new CliRun(fake, home).run("deploy", "alice/shop");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("is not a directory; to name the app, use: skep deploy -a alice/shop");
        assertThat(fake.requests()).isEmpty();
    }

    private static Map<String, TarArchiveEntry> readTar(byte[] tarGz) throws IOException {
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GZIPInputStream(new ByteArrayInputStream(tarGz)), StandardCharsets.UTF_8.name())) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                entries.put(entry.getName(), entry);
            }
        }
        return entries;
    }

    private static int modeOf(Path file) throws IOException {
        return (int) Files.getAttribute(file, "unix:mode") & 07777;
    }
}
