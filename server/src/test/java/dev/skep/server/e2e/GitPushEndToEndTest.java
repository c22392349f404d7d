package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.StoredLogin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import dev.skep.server.e2e.GitCli.Run;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code git push http://SERVER/git/USER/APP.git main} with the real git binary against a real `skep server`: the
 * pushed tree deploys and serves, build output shows as "remote:" lines, and bad pushes are rejected with the
 * reason while the old release keeps serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitPushEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() throws Exception {
        // a 1 MB upload cap, so a huge push is cheap to make
        server = new SkepServerProcess(dir.resolve("data"), List.of("--max-upload-mb", "1"), Map.of()).start();
        alice = newUser("alice");
        bob = newUser("bob");
        Files.createDirectories(dir.resolve("home"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static String newUser(String name) throws Exception {
        Http.Answer made = Http.send("POST", server.api("/v1/users"), server.token(), "application/json",
                ("{\"name\": \"" + name + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return made.json().get("token").asText();
    }

    static Run git(Path cwd, String... args) throws IOException, InterruptedException {
        return git(Map.of(), cwd, args);
    }

    static Run git(Map<String, String> env, Path cwd, String... args) throws IOException, InterruptedException {
        return new GitCli(dir.resolve("home")).with(env).run(cwd, args);
    }

    static Run ok(Path cwd, String... args) throws Exception {
        Run run = git(cwd, args);
        assertThat(run.exit()).as(run.out()).isZero();
        return run;
    }

    static String remote(String user, String token, String app) {
        return "http://" + user + ":" + token + "@127.0.0.1:" + server.apiPort + "/git/" + user + "/" + app + ".git";
    }

    static Path repoOf(String name, String greeting) throws Exception {
        return repoOf(name, greeting, 0);
    }

    /**
     * A repository holding the hello fixture with a build script whose output the push must show, after
     * {@code quietSeconds} of silence (a long npm install says nothing for as long).
     */
    static Path repoOf(String name, String greeting, int quietSeconds) throws Exception {
        Path repo = Files.createDirectories(dir.resolve(name));
        ok(repo, "init", "-q");
        Files.copy(Fixtures.app("hello").resolve("server.js"), repo.resolve("server.js"));
        Files.writeString(repo.resolve("package.json"), """
                { "name": "hello", "version": "1.0.0",
                  "scripts": { "start": "node server.js", "build": "node -e \\"setTimeout(() => console.log(6 * 7 + ' built'), QUIET)\\"" } }
                """.replace("QUIET", String.valueOf(quietSeconds * 1000)));
        Files.writeString(repo.resolve(".gitignore"), "*.log\n");
        Files.writeString(repo.resolve(".skepignore"), "docs/\n");
        Files.createDirectories(repo.resolve("docs"));
        Files.writeString(repo.resolve("docs/notes.md"), "not for the server");
        Files.writeString(repo.resolve(".env"), "SECRET=never shipped\n");
        greet(repo, greeting);
        ok(repo, "add", "-A", "-f"); // -f: .env and ignored files are in the commit, the deploy leaves them out
        ok(repo, "commit", "-q", "-m", "first");
        return repo;
    }

    /** The app answers with GREETING instead of "hello" (the fixture reads it from its config, else this). */
    static void greet(Path repo, String greeting) throws IOException {
        Path server = repo.resolve("server.js");
        String code = Files.readString(server).replaceAll("\\|\\| '[a-z]+'", "|| '" + greeting + "'");
        Files.writeString(server, code);
    }

    static String body(String host) throws IOException {
        return Http.hosted(server.routerPort, host, "/").body();
    }

    @Test
    @Order(1)
    void aPushDeploysShowsTheBuildAndAForcePushRedeploys() throws Exception {
        // 35 s without a word from the build: longer than Jetty's idle timeout (30 s), so only the keep-alive
        // packets hold the connection
        Path repo = repoOf("web", "hello", 35);
        Run push = ok(repo, "push", remote("alice", alice, "web"), "main");
        assertThat(push.out())
                .contains("remote: -----> deploying main (")
                .contains("remote:        42 built") // npm run build's own output, through the side band
                .contains("remote: -----> released v1 of alice/web")
                .contains("[new branch]");
        assertThat(body("web.alice.localhost")).startsWith("hello from alice.web.1.");
        try (var slugs = Files.list(server.dataDir.resolve("slugs"))) {
            Path slug = slugs.filter(p -> p.getFileName().toString().startsWith("alice.web.")).findFirst().orElseThrow();
            assertThat(slug.resolve("server.js")).exists();
            assertThat(slug.resolve("docs")).as(".skepignore applies").doesNotExist();
            assertThat(slug.resolve(".env")).as("never shipped").doesNotExist();
        }
        assertThat(server.dataDir.resolve("git/alice/web.git/refs/heads/main")).exists();

        Files.writeString(repo.resolve("package.json"), Files.readString(repo.resolve("package.json"))
                .replace("35000", "0"));
        greet(repo, "howdy");
        ok(repo, "commit", "-q", "-am", "howdy");
        Run second = ok(repo, "push", remote("alice", alice, "web"), "main");
        assertThat(second.out()).contains("released v2 of alice/web").contains("main -> main");
        assertThat(body("web.alice.localhost")).startsWith("howdy from alice.web.2.");

        greet(repo, "bonjour");
        ok(repo, "commit", "-q", "--amend", "-am", "bonjour instead");
        assertThat(git(repo, "push", remote("alice", alice, "web"), "main").exit()).as("non-fast-forward").isNotZero();
        Run forced = ok(repo, "push", "--force", remote("alice", alice, "web"), "main");
        assertThat(forced.out()).contains("released v3 of alice/web").contains("(forced update)");
        assertThat(body("web.alice.localhost")).startsWith("bonjour from alice.web.3.");
    }

    @Test
    @Order(2)
    void aBrokenPackageJsonIsRejectedWithTheReasonAndTheOldReleaseServes() throws Exception {
        Path repo = dir.resolve("web");
        String before = body("web.alice.localhost");
        assertThat(before).startsWith("bonjour from");
        Files.writeString(repo.resolve("package.json"), "{ \"name\": \"hello\", ");
        ok(repo, "commit", "-q", "-am", "broken");
        Run push = git(repo, "push", remote("alice", alice, "web"), "main");
        assertThat(push.exit()).isNotZero();
        assertThat(push.out()).contains("remote: error: package.json is not valid JSON")
                .contains("! [remote rejected] main -> main (package.json is not valid JSON");
        assertThat(body("web.alice.localhost")).startsWith("bonjour from alice.web.3.");
        // the branch stayed at what serves: the next good push goes over the same base
        assertThat(Files.readString(server.dataDir.resolve("git/alice/web.git/refs/heads/main")).strip())
                .isEqualTo(ok(repo, "rev-parse", "HEAD~1").out().strip());
    }

    @Test
    @Order(3)
    void aBranchWithoutPackageJsonIsRejectedAsDeployRejectsIt() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("docs-only"));
        ok(repo, "init", "-q");
        Files.writeString(repo.resolve("README.md"), "no app here\n");
        ok(repo, "add", "-A");
        ok(repo, "commit", "-q", "-m", "docs");
        Run push = git(repo, "push", remote("alice", alice, "web"), "main:docs");
        assertThat(push.exit()).isNotZero();
        assertThat(push.out()).contains("has neither package.json nor Procfile: it is not a Node app's root")
                .contains("! [remote rejected] main -> docs");
        assertThat(body("web.alice.localhost")).startsWith("bonjour from alice.web.3.");
    }

    @Test
    @Order(4)
    void pushesToAnotherUsersAppOrWithABadTokenAreRefused() throws Exception {
        Path repo = repoOf("intruder", "pwned");
        Run others = git(repo, "push", remote("bob", alice, "web"), "main");
        assertThat(others.exit()).isNotZero();
        assertThat(others.out()).contains("remote error: user alice may not manage bob/web");
        Run badToken = git(repo, "push", remote("alice", "skp_not-a-token", "web"), "main");
        assertThat(badToken.exit()).isNotZero();
        assertThat(badToken.out()).contains("Authentication failed");
        Run noToken = git(repo, "push", "http://127.0.0.1:" + server.apiPort + "/git/alice/web.git", "main");
        assertThat(noToken.exit()).isNotZero();
        assertThat(noToken.out()).contains("could not read Username"); // challenged, and no prompt allowed
        assertThat(body("web.alice.localhost")).startsWith("bonjour from alice.web.3.");
        assertThat(Http.get(server.api("/v1/apps/bob/web"), bob).status()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void aPushLargerThanTheUploadLimitIsRejectedAndTheOldReleaseServes() throws Exception {
        Path repo = repoOf("huge", "huge");
        byte[] noise = new byte[3 << 20]; // random: git cannot compress it under the 1 MB cap
        new Random(7).nextBytes(noise);
        Files.write(repo.resolve("noise.bin"), noise);
        ok(repo, "add", "noise.bin");
        ok(repo, "commit", "-q", "-m", "noise");
        Run push = git(repo, "push", remote("alice", alice, "web"), "main:huge");
        assertThat(push.exit()).isNotZero();
        assertThat(push.out()).contains("remote unpack failed").contains("Pack exceeds the limit of 1") // 1,048,576
                .doesNotContain("HTTP 500");
        assertThat(body("web.alice.localhost")).startsWith("bonjour from alice.web.3.");
        assertThat(server.dataDir.resolve("git/alice/web.git/refs/heads/huge")).doesNotExist();
    }

    @Test
    @Order(6)
    void concurrentPushesToOneAppDeployOneTreeAndRefuseTheOtherClearly() throws Exception {
        Path first = repoOf("race-a", "first");
        ok(first, "push", remote("alice", alice, "race"), "main");
        // each build then takes 8 s, so the second push asks for the refs while the first still deploys
        Files.writeString(first.resolve("package.json"), Files.readString(first.resolve("package.json"))
                .replace("), 0)", "), 8000)"));
        ok(first, "commit", "-q", "-am", "slow build");
        ok(first, "push", remote("alice", alice, "race"), "main");
        Path second = dir.resolve("race-b");
        ok(dir, "clone", "-q", first.toString(), second.toString());
        greet(first, "alpha");
        ok(first, "commit", "-q", "-am", "alpha");
        greet(second, "beta");
        ok(second, "commit", "-q", "-am", "beta");
        // a thread each: the common pool of a 2-core machine runs one task at a time
        Executor threads = task -> Thread.ofPlatform().start(task);
        CompletableFuture<Run> a = CompletableFuture.supplyAsync(() -> quietly(first), threads);
        CompletableFuture<Run> b = CompletableFuture.supplyAsync(() -> quietly(second), threads);
        List<Run> runs = List.of(a.get(5, TimeUnit.MINUTES), b.get(5, TimeUnit.MINUTES));
        List<Run> won = runs.stream().filter(r -> r.exit() == 0).toList();
        assertThat(won).as(runs.toString()).hasSize(1);
        Run lost = runs.stream().filter(r -> r.exit() != 0).findFirst().orElseThrow();
        assertThat(lost.out()).contains("! [remote rejected] main -> main (another push moved main meanwhile: push again)");
        String winner = won.get(0).equals(runs.get(0)) ? "alpha" : "beta";
        assertThat(body("race.alice.localhost")).startsWith(winner + " from alice.race.3.");
    }

    private static Run quietly(Path repo) {
        try {
            return git(repo, "push", remote("alice", alice, "race"), "main");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(7)
    void gitTakesTheTokenSkepLoginStoredThroughTheCredentialHelper() throws Exception {
        Path config = Files.createDirectories(dir.resolve("xdg"));
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", config.toString());
        new StoredLogin(server.api("/"), alice, null).save(env, dir.resolve("home"));
        Path repo = repoOf("helped", "helped");
        // what `credential.helper '!skep git-credential'` runs, without bin/skep's jar
        String helper = "!" + ProcessHandle.current().info().command().orElse("java") + " -cp "
                + System.getProperty("java.class.path") + " dev.skep.cli.SkepCli git-credential";
        String url = "http://127.0.0.1:" + server.apiPort + "/git/alice/helped.git";
        Run push = git(env, repo, "-c", "credential.helper=" + helper, "push", url, "main");
        assertThat(push.exit()).as(push.out()).isZero();
        assertThat(push.out()).contains("released v1 of alice/helped");
        assertThat(body("helped.alice.localhost")).startsWith("helped from alice.helped.1.");
    }

    @Test
    @Order(8)
    void deletingTheAppDeletesItsRepository() throws Exception {
        assertThat(server.dataDir.resolve("git/alice/race.git")).exists();
        Http.Answer deleted = Http.send("DELETE", server.api("/v1/apps/alice/race"), alice, null, null);
        assertThat(deleted.status()).as(deleted.body()).isLessThan(300);
        assertThat(server.dataDir.resolve("git/alice/race.git")).doesNotExist();
        assertThat(server.dataDir.resolve("git/bob")).as("a refused push makes nothing").doesNotExist();
    }
}
