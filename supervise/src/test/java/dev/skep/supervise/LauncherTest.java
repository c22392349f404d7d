package dev.skep.supervise;

import dev.skep.model.AppId;
import dev.skep.model.Assignment;
import dev.skep.model.InstanceIds;
import dev.skep.model.Release;
import dev.skep.model.node.NodeCache;
import dev.skep.model.node.NodeDist;
import dev.skep.model.node.NodeInstalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LauncherTest {

    private static final Path NODE = Path.of("/opt/node/bin/node");

    @Test
    void aLeadingNodeBecomesTheAbsoluteBinary() {
        assertThat(Launcher.argv(List.of("node", "web.js", "--mode=procfile"), NODE))
                .containsExactly("/opt/node/bin/node", "web.js", "--mode=procfile");
    }

    @Test
    void aBareScriptIsRunWithNode() {
        assertThat(Launcher.argv(List.of("server.js"), NODE)).containsExactly("/opt/node/bin/node", "server.js");
    }

    @Test
    void anythingElseRunsAsIs() {
        assertThat(Launcher.argv(List.of("./bin/www"), NODE)).containsExactly("./bin/www");
        assertThatThrownBy(() -> Launcher.argv(List.of(), NODE)).hasMessageContaining("empty start command");
    }

    @Test
    void exitValuesAbove128AreSignals() {
        assertThat(OsLaunch.describe(3)).isEqualTo("code 3");
        assertThat(OsLaunch.describe(137)).isEqualTo("signal 9");
        assertThat(OsLaunch.describe(143)).isEqualTo("signal 15");
    }

    /**
     * A yarn Plug'n'Play slug: its processes get yarn's hook in NODE_OPTIONS, pointing into the instance's own
     * copy, after the app's options. The slug is read for the hook, not the app dir: an overlay copy is
     * mounted only in the instance's namespace.
     */
    @Test
    void aPnpSlugsProcessesRunWithYarnsHookFromTheirOwnCopy(@TempDir Path slug, @TempDir Path copy,
                                                            @TempDir Path run) throws Exception {
        String hook = "globalThis.pnpFrom = __dirname;";
        Files.writeString(slug.resolve(".pnp.cjs"), hook);
        Files.writeString(copy.resolve(".pnp.cjs"), hook);
        String script = "console.log(globalThis.pnpFrom, process.env.NODE_OPTIONS)";
        Release release = new Release(AppId.parse("alice/shop"), 3, "sha", "slug-3.tgz", List.of("node", "-e", script),
                Map.of("NODE_OPTIONS", "--max-old-space-size=200"), Instant.EPOCH, "alice", null);
        Assignment assignment = new Assignment(InstanceIds.next(release.app(), 3, "web", 1), "agent-1", release, 1,
                Instant.EPOCH);
        Launcher launcher = new Launcher(AgentConfig.findNode(System.getenv("PATH")));

        assertThat(output(launcher, new Launcher.Spec(assignment, copy, 0, run, null, null, null, List.of(), null,
                slug))).isEqualTo(copy + " --require " + copy.resolve(".pnp.cjs") + " --max-old-space-size=200");

        Files.delete(slug.resolve(".pnp.cjs")); // the copy's file alone is not the slug's
        assertThat(output(launcher, new Launcher.Spec(assignment, copy, 0, run, null, null, null, List.of(), null,
                slug))).isEqualTo("undefined --max-old-space-size=200");
    }

    /**
     * What `npm start` (Heroku's default web) tells an app of its package: its name, version and package.json, read
     * from the slug (not the copy the app can change); an app's own config var of such a name wins.
     */
    @Test
    void processesGetTheirPackagesNameVersionAndFileAsUnderNpmStart(@TempDir Path slug, @TempDir Path copy,
                                                                   @TempDir Path run) throws Exception {
        Files.writeString(slug.resolve("package.json"), "{\"name\": \"shop\", \"version\": \"2.1.0\"}");
        Files.writeString(copy.resolve("package.json"), "{\"name\": \"changed-by-the-app\", \"version\": \"9\"}");
        String script = "const e = process.env; console.log(e.npm_package_name, e.npm_package_version, e.npm_package_json)";
        Launcher launcher = new Launcher(AgentConfig.findNode(System.getenv("PATH")));

        assertThat(output(launcher, new Launcher.Spec(assignmentRunning(script, Map.of()), copy, 0, run, null, null,
                null, List.of(), null, slug))).isEqualTo("shop 2.1.0 " + copy.resolve("package.json"));
        assertThat(output(launcher, new Launcher.Spec(assignmentRunning(script, Map.of("npm_package_version", "own")),
                copy, 0, run, null, null, null, List.of(), null, slug))).isEqualTo("shop own "
                + copy.resolve("package.json"));
        Files.delete(slug.resolve("package.json"));
        assertThat(output(launcher, new Launcher.Spec(assignmentRunning(script, Map.of()), copy, 0, run, null, null,
                null, List.of(), null, slug))).isEqualTo("undefined undefined undefined");
    }

    private static Assignment assignmentRunning(String script, Map<String, String> env) {
        Release release = new Release(AppId.parse("alice/shop"), 3, "sha", "slug-3.tgz", List.of("node", "-e", script),
                env, Instant.EPOCH, "alice", null);
        return new Assignment(InstanceIds.next(release.app(), 3, "web", 1), "agent-1", release, 1, Instant.EPOCH);
    }

    /**
     * A release built on a fetched Node names the npm its build ran: its instances find that npm (and npx) first,
     * then that node, as the build did, not the host's npm, which may not even run on an older Node.
     */
    @Test
    void aReleaseOnAFetchedNodeRunsItsOwnNpmAndNodeFirstOnThePath(@TempDir Path data, @TempDir Path app,
                                                                   @TempDir Path run) throws Exception {
        String path = System.getenv("PATH");
        Path hostNode = AgentConfig.findNode(path);
        // the host's cache as builds leave it: a Node release (the host's binary will do) and an npm release
        Path fetched = Files.createDirectories(data.resolve("node/16.20.2/bin")).resolve("node");
        Files.createSymbolicLink(fetched, hostNode);
        Path npmBin = Files.createDirectories(data.resolve("npm/8.19.4/bin"));
        Files.writeString(npmBin.resolve("npm"), "#!/bin/sh\necho npm 8.19.4\n");
        Files.setPosixFilePermissions(npmBin.resolve("npm"), PosixFilePermissions.fromString("rwxr-xr-x"));
        NodeInstalls nodes = new NodeInstalls(hostNode, new NodeCache(data.resolve("node"), NodeDist.onPath(path)));
        Launcher launcher = new Launcher(r -> nodes.binaryFor(r.node()), r -> nodes.npmBinFor(r.npm()), i -> Map.of());
        List<String> which = List.of("sh", "-c", "command -v npm; command -v node; npm");

        Release fetchedNode = new Release(AppId.parse("alice/old"), 2, "sha", "slug-2.tgz", which, Map.of(),
                Instant.EPOCH, "alice", null, Map.of(), List.of(), "16.20.2", "8.19.4");
        assertThat(output(launcher, spec(fetchedNode, app, run))).isEqualTo(npmBin.resolve("npm") + "\n" + fetched
                + "\nnpm 8.19.4");

        // a release on the host's Node names no npm: npm is the host's, from the system PATH after node's dir
        Release hostsNode = new Release(AppId.parse("alice/new"), 1, "sha", "slug-1.tgz",
                List.of("sh", "-c", "command -v node"), Map.of(), Instant.EPOCH, "alice", null);
        assertThat(output(launcher, spec(hostsNode, app, run))).isEqualTo(hostNode.toString());
        assertThat(launcher.environment(spec(hostsNode, app, run).assignment(), 0, app).get("PATH"))
                .isEqualTo(app.resolve("node_modules/.bin") + ":" + hostNode.getParent() + ":" + AgentConfig.SYSTEM_PATH);
    }

    private static Launcher.Spec spec(Release release, Path app, Path run) {
        Assignment assignment = new Assignment(InstanceIds.next(release.app(), release.number(), "web", 1), "agent-1",
                release, 1, Instant.EPOCH);
        return new Launcher.Spec(assignment, app, 0, run, null);
    }

    private static String output(Launcher launcher, Launcher.Spec spec) throws Exception {
        Process process = launcher.startPiped(spec);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
