package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app that asks for another Node major than the host's (engines.node), deployed to a real
 * `skep server` that fetches that release from the real registry through npm: its build scripts and
 * its instances run that Node, the release and `skep ps` say which, a second app reuses the cached
 * binary, and a range nothing satisfies fails the deploy while the running release keeps serving.
 * One major is downloaded once for the whole class.
 */
class NodeVersionEndToEndTest {

    @TempDir
    static Path dir;

    static SkepServerProcess server;
    static String token;
    static int hostMajor;
    static String wanted;

    @BeforeAll
    static void start() throws Exception {
        Process node = new ProcessBuilder("node", "--version").start();
        String host = new String(node.getInputStream().readAllBytes()).strip();
        hostMajor = Integer.parseInt(host.substring(1, host.indexOf('.')));
        // another major than the host's, so the release must be fetched
        wanted = (hostMajor == 22 ? 24 : 22) + ".x";
        server = new SkepServerProcess(dir.resolve("data"), List.of(), Map.of()).start();
        token = server.token();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    @Test
    void anAppAskingForAnotherMajorBuildsAndRunsWithItAndASecondAppReusesTheCachedBinary() throws Exception {
        Http.Answer first = deploy("nv", "first", app("first", wanted));
        assertThat(first.status()).as(first.body()).isEqualTo(201);

        JsonNode answer = Http.hosted(server.routerPort, "first.nv.localhost", "/").json();
        String version = answer.get("version").asText();
        String release = version.substring(1);
        assertThat(version).as("the app's process.version").startsWith("v" + wanted.replace(".x", "."));
        Path cached = server.dataDir.resolve("node").resolve(release).resolve("bin/node");
        assertThat(answer.get("execPath").asText()).isEqualTo(cached.toString());
        // npm ran the build script with that node too, and npm itself ran on it
        assertThat(answer.get("builtWith").get("node").asText()).isEqualTo(version);
        assertThat(answer.get("builtWith").get("npmNode").asText()).isEqualTo(cached.toString());
        // the npm the build ran (the one that Node ships, fetched into DATA/npm) is first at runtime too, then the
        // release's node: npm and npx in the app are the release's, not the host's
        assertThat(answer.get("path").asText()).matches("[^:]*/node_modules/\\.bin:"
                + Pattern.quote(server.dataDir.resolve("npm").toString()) + "/\\d+\\.\\d+\\.\\d+/bin:"
                + Pattern.quote(cached.getParent().toString()) + ":.*");

        JsonNode view = Http.get(server.api("/v1/apps/nv/first"), token).json();
        assertThat(view.get("releases").get(0).get("node").asText()).isEqualTo(release);
        CliRun ps = skep("ps", "nv/first");
        assertThat(ps.exit()).as(ps.err()).isZero();
        assertThat(ps.out()).containsPattern("\\*v1 .* " + Pattern.quote(release) + " +deploy");
        assertThat(Http.get(server.api("/v1/apps/nv/first/releases"), token).json().get(0).get("node").asText())
                .isEqualTo(release);
        CliRun releases = skep("releases", "nv/first");
        assertThat(releases.exit()).as(releases.err()).isZero();
        assertThat(releases.out()).containsPattern("v1 +live .* " + Pattern.quote(release) + " ");

        assertThat(downloads()).as(server.output()).isEqualTo(1);
        FileTime cachedAt = Files.getLastModifiedTime(cached.getParent().getParent());

        Http.Answer second = deploy("nv", "second", app("second", wanted));
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        JsonNode secondAnswer = Http.JSON.readTree(Http.hosted(server.routerPort, "second.nv.localhost", "/").body());
        assertThat(secondAnswer.get("version").asText()).isEqualTo(version);
        assertThat(secondAnswer.get("execPath").asText()).isEqualTo(cached.toString());
        assertThat(downloads()).as("the second app reuses the cached release").isEqualTo(1);
        assertThat(Files.getLastModifiedTime(cached.getParent().getParent())).isEqualTo(cachedAt);
        try (var entries = Files.list(server.dataDir.resolve("node"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).as("no download left behind")
                    .containsExactly(release);
        }
    }

    @Test
    void aRangeNothingSatisfiesFailsTheDeployNamingWhatThereIsAndThePreviousReleaseKeepsServing() throws Exception {
        // the host's own major: served by the host's node, nothing fetched
        Http.Answer good = deploy("nv", "keeps", app("keeps-good", hostMajor + ".x"));
        assertThat(good.status()).as(good.body()).isEqualTo(201);
        JsonNode before = Http.JSON.readTree(Http.hosted(server.routerPort, "keeps.nv.localhost", "/").body());
        assertThat(before.get("version").asText()).startsWith("v" + hostMajor + ".");

        Http.Answer bad = deploy("nv", "keeps", app("keeps-bad", ">=99"));

        assertThat(bad.status()).as(bad.body()).isEqualTo(422);
        String error = bad.json().get("error").asText();
        assertThat(error).startsWith("no Node release satisfies \">=99\" (package.json engines.node); the newest per major: ");
        Matcher newest = Pattern.compile("(\\d+)\\.\\d+\\.\\d+").matcher(error.substring(error.indexOf("major: ")));
        assertThat(newest.find()).isTrue();
        assertThat(Integer.parseInt(newest.group(1))).isGreaterThanOrEqualTo(hostMajor);
        assertThat(error).contains(", " + hostMajor + ".");
        JsonNode after = Http.JSON.readTree(Http.hosted(server.routerPort, "keeps.nv.localhost", "/").body());
        assertThat(after.get("version").asText()).isEqualTo(before.get("version").asText());
        JsonNode app = Http.get(server.api("/v1/apps/nv/keeps"), token).json();
        assertThat(app.get("release").asInt()).isEqualTo(1);
    }

    /** Downloads of Node releases (a build on one also fetches the npm it ships: package=npm, not counted). */
    private static long downloads() {
        return server.output().lines().filter(l -> l.contains("event=node.downloaded ") && !l.contains(" package=npm "))
                .count();
    }

    /** A copy of the fixture asking for {@code range} in engines.node. */
    private static Path app(String name, String range) throws Exception {
        Path copy = Files.createDirectories(dir.resolve("apps").resolve(name));
        try (var files = Files.list(Fixtures.app("node-version"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path pkg = copy.resolve("package.json");
        String json = Files.readString(pkg);
        assertThat(json).contains("\"node\": \"22.x\"");
        Files.writeString(pkg, json.replace("\"node\": \"22.x\"", "\"node\": \"" + range + "\""));
        return copy;
    }

    private static Http.Answer deploy(String user, String name, Path app) throws Exception {
        return Http.send("POST", server.api("/v1/apps/" + user + "/" + name + "/releases"), token, "application/gzip",
                Fixtures.tarball(app));
    }

    static CliRun skep(String... args) {
        return CliRun.against(server, dir, args);
    }
}
