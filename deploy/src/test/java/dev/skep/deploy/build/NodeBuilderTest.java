package dev.skep.deploy.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.skep.deploy.Fixtures;
import dev.skep.deploy.fs.TreeCopy;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import dev.skep.model.node.NodeCache;
import dev.skep.model.node.NodeDist;
import dev.skep.model.node.NodeInstalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two kinds of npm: the real one (against the registry) for what only it can prove (a real
 * TypeScript build, the cache, lockfile checks, lifecycle scripts), and a shell script standing in
 * for it for what npm must be given (argv, environment, stdin) and for the time limit.
 */
class NodeBuilderTest {

    /** Shared by every run of these tests, as the server's cache is shared by every build. */
    private static final Path CACHE = Path.of("target/npm-cache").toAbsolutePath();

    @TempDir
    Path tmp;

    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    // --- the real npm ---

    @Test
    void buildsATypeScriptAppWithItsDevDependenciesThenPrunesThem() throws IOException {
        NodeBuilder npm = realNpm();
        Path app = copyOf("typescript", "first");

        BuildResult built = npm.build(app, cached(), output::add);

        assertThat(built.how()).isEqualTo("npm ci");
        assertThat(built.detail()).isEqualTo("npm ci, npm run build, npm prune --omit=dev");
        assertThat(app.resolve("dist/server.js")).content().contains("typescript v1");
        assertThat(app.resolve("node_modules/typescript")).doesNotExist();
        // what the prune took away, which no start command may name
        assertThat(built.pruned().names()).contains("tsc");
        assertThat(built.pruned().keptBy()).isEqualTo("NPM_CONFIG_PRODUCTION=false");
        assertThat(output).contains("$ npm ci --include=dev --no-audit --no-fund", "$ npm run build",
                "$ npm prune --omit=dev --no-audit --no-fund");
        assertThat(output).anyMatch(line -> line.contains("> tsc"));
        // what the prune removed, in skep's words (npm's own may say "up to date"): the app has devDependencies only
        assertThat(output).anyMatch(line -> line.matches("prune: (\\d+) of \\1 top-level packages removed "
                + "\\(devDependencies\\), 0 left"));
        // npm 11 warned 'Unknown env config "store-dir"' on every step when pnpm's store dir reached it
        assertThat(output).noneMatch(line -> line.contains("Unknown env config"));
        // each step ends with its time, so a slow deploy shows where its time went
        assertThat(output).anyMatch(line -> line.matches("npm ci: \\d+\\.\\d s"))
                .anyMatch(line -> line.matches("npm run build: \\d+\\.\\d s"));
    }

    @Test
    void aCodeOnlyRedeployInstallsOverTheCachedNodeModulesAndBuildsTheNewCode() throws IOException {
        NodeBuilder npm = realNpm();
        npm.build(copyOf("typescript", "first"), cached(), output::add);
        Path second = copyOf("typescript", "second");
        Files.writeString(second.resolve("src/server.ts"),
                Files.readString(second.resolve("src/server.ts")).replace("typescript v1", "typescript v2"));
        output.clear();

        BuildResult again = npm.build(second, cached(), output::add);

        assertThat(again.how()).isEqualTo("cached npm install");
        assertThat(again.detail()).isEqualTo(
                "node_modules from the build cache, npm install, npm run build, npm prune --omit=dev");
        assertThat(second.resolve("dist/server.js")).content().contains("typescript v2");
        assertThat(second.resolve("node_modules/typescript")).doesNotExist();
        assertThat(tmp.resolve("build-cache/node_modules/typescript/package.json"))
                .as("the cache keeps devDependencies").exists();
    }

    @Test
    void lifecycleScriptsRunOnEveryInstallCachedOrNot() throws IOException {
        NodeBuilder npm = realNpm();
        for (String name : List.of("first", "second")) {
            Path app = copyOf("with-deps", name);
            addScript(app, "postinstall", "node -e \"require('fs').writeFileSync('postinstall-ran', 'yes')\"");

            npm.build(app, cached(), output::add);

            assertThat(app.resolve("postinstall-ran")).as(name).hasContent("yes");
        }
        assertThat(output).contains("restored node_modules from the build cache (same lockfile, package manager, Node and npm)");
    }

    @Test
    void aLockfileThatDisagreesWithPackageJsonFailsSayingWhatToDo() throws IOException {
        Path app = copyOf("with-deps", "app");
        Files.writeString(app.resolve("package.json"),
                "{ \"name\": \"with-deps\", \"version\": \"1.0.0\", \"main\": \"index.js\", \"dependencies\": { \"ms\": \"2.1.2\" } }");

        assertThatThrownBy(() -> realNpm().build(app, cached(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).matches(
                            "npm ci failed \\(exit \\d+\\): package-lock.json does not match package.json");
                    assertThat(e.detail()).startsWith("run `npm install` locally and commit the updated package-lock.json")
                            .contains("in sync").contains("lock file's ms@2.1.3 does not satisfy ms@2.1.2");
                });
    }

    @Test
    void aFailingBuildScriptFailsTheBuildWithItsOutput() throws IOException {
        Path app = Files.createDirectory(tmp.resolve("app"));
        Files.writeString(app.resolve("package.json"), "{\"name\":\"x\",\"scripts\":{\"build\":"
                + "\"node -e \\\"console.error('src/app.ts(3,7): error TS2322: boom'); process.exit(2)\\\"\"}}");

        assertThatThrownBy(() -> realNpm().build(app, cached(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).isEqualTo("npm run build failed (exit 2)");
                    assertThat(e.detail()).contains("run `npm run build` locally").contains("error TS2322: boom");
                });
        assertThat(output).contains("src/app.ts(3,7): error TS2322: boom");
    }

    @Test
    void aDependencyThatDoesNotExistFailsWithNpmsOutput() throws IOException {
        Path app = Files.createDirectory(tmp.resolve("broken"));
        Files.writeString(app.resolve("package.json"),
                "{\"name\":\"broken\",\"version\":\"1.0.0\",\"dependencies\":{\"skep-fixture-no-such-package-7f3a\":\"1.0.0\"}}");

        assertThatThrownBy(() -> realNpm().build(app, BuildRequest.plain(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).matches("npm install failed \\(exit \\d+\\)");
                    assertThat(e.detail()).contains("404").contains("skep-fixture-no-such-package-7f3a");
                    assertThat(e.detail().lines().count()).isLessThanOrEqualTo(40);
                });
        assertThat(output).isNotEmpty();
    }

    @Test
    void anAppWithoutDependenciesOrScriptsNeedsNoBuild() throws IOException {
        BuildResult built = realNpm().build(copyOf("hello", "hello"), cached(), output::add);

        assertThat(built.how()).isEqualTo("none");
        assertThat(output).isEmpty();
    }

    // --- a stand-in npm ---

    @Test
    void npmGetsTheRightArgumentsAMinimalEnvironmentAndNoStdin() throws IOException {
        Path app = copyOf("with-deps", "app");
        NodeBuilder npm = fakeNpm("""
                echo "args: $*"
                echo "stdin: $(readlink /proc/self/fd/0)"
                env | cut -d= -f1 | sort | sed 's/^/env: /'
                """);

        BuildResult built = npm.build(app, BuildRequest.plain(), output::add);

        assertThat(built.how()).isEqualTo("npm ci");
        assertThat(output).contains("args: ci --include=dev --no-audit --no-fund");
        assertThat(output).contains("stdin: /dev/null");
        Set<String> names = output.stream().filter(l -> l.startsWith("env: ")).map(l -> l.substring(5))
                .collect(Collectors.toSet());
        // sh adds PWD (and some add SHLVL, _) itself; nothing may come from this JVM's environment.
        assertThat(names).contains("PATH", "HOME", "TMPDIR", "npm_config_cache")
                .isSubsetOf("PATH", "HOME", "TMPDIR", "npm_config_cache", "npm_config_update_notifier",
                        "npm_config_nodedir", "COREPACK_HOME", "COREPACK_ENABLE_DOWNLOAD_PROMPT", "PWD", "SHLVL", "_");
    }

    /** node-gyp would fetch the headers from Node's site otherwise: a native addon failed on a host without it. */
    @Test
    void nodeGypIsPointedAtTheHeadersOfTheNodeTheBuildRunsUnlessTheAppNamesItsOwn() throws IOException {
        Path prefix = tmp.resolve("node-prefix");
        Path node = Files.createDirectories(prefix.resolve("bin")).resolve("node");
        Files.writeString(node, "#!/bin/sh\necho v20.11.1\n");
        Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwxr-xr-x"));
        String npm = "echo \"nodedir=${npm_config_nodedir-unset} own=${NPM_CONFIG_NODEDIR-unset}\"";

        fakeNpm(npm, node.getParent()).build(copyOf("with-deps", "no-headers"), BuildRequest.plain(), output::add);
        assertThat(output).as("a node without its headers: left to node-gyp").contains("nodedir=unset own=unset");
        output.clear();

        Files.createDirectories(prefix.resolve("include/node"));
        Files.writeString(prefix.resolve("include/node/common.gypi"), "{}");
        fakeNpm(npm, node.getParent()).build(copyOf("with-deps", "headers"), BuildRequest.plain(), output::add);
        assertThat(output).contains("nodedir=" + prefix.toRealPath() + " own=unset");
        output.clear();

        fakeNpm(npm, node.getParent()).build(copyOf("with-deps", "own"),
                BuildRequest.plain().withConfig(Map.of("NPM_CONFIG_NODEDIR", "/opt/node")), output::add);
        assertThat(output).contains("nodedir=unset own=/opt/node");
    }

    @Test
    void herokuCleanupRunsLastAfterThePruneAsOnHeroku() throws IOException {
        Path app = copyOf("with-deps", "app");
        String json = Files.readString(app.resolve("package.json")).strip();
        Files.writeString(app.resolve("package.json"), json.substring(0, json.length() - 1)
                + ", \"devDependencies\": { \"typescript\": \"5\" }, "
                + "\"scripts\": { \"build\": \"tsc\", \"heroku-cleanup\": \"rm -rf src\" } }");

        BuildResult built = fakeNpm("echo \"ran $1 $2 NODE_ENV=$NODE_ENV\"").build(app, BuildRequest.plain(), output::add);

        assertThat(built.detail()).isEqualTo("npm ci, npm run build, npm prune --omit=dev, npm run heroku-cleanup");
        assertThat(output).containsSubsequence("ran ci --include=dev NODE_ENV=", "ran run build NODE_ENV=production",
                "ran prune --omit=dev NODE_ENV=production", "ran run heroku-cleanup NODE_ENV=production");
    }

    @Test
    void nodeModulesCacheFalseBuildsWithoutRestoringOrSavingTheCacheAsOnHeroku() throws IOException {
        Path app = copyOf("with-deps", "app");
        NodeBuilder npm = fakeNpm("mkdir -p node_modules/ms && echo \"$1\" > node_modules/ms/installed-by");
        BuildRequest off = cached().withConfig(Map.of("NODE_MODULES_CACHE", "false"));

        BuildResult first = npm.build(app, off, output::add);

        assertThat(first.how()).isEqualTo("npm ci");
        assertThat(output).contains("build cache off: NODE_MODULES_CACHE=false is set (nothing restored or saved)");
        assertThat(tmp.resolve("build-cache")).as("nothing saved").doesNotExist();

        npm.build(copyOf("with-deps", "second"), cached(), output::add);
        assertThat(tmp.resolve("build-cache/node_modules/ms/installed-by")).as("saved when on").exists();
        output.clear();

        BuildResult third = npm.build(copyOf("with-deps", "third"), off, output::add);

        assertThat(third.how()).as("not restored").isEqualTo("npm ci");
        assertThat(output).noneMatch(line -> line.startsWith("restored node_modules"));
    }

    /** An upgraded npm (here the host's) installs afresh: node_modules another npm made is not restored. */
    @Test
    void anotherNpmDoesNotReuseTheNodeModulesOfTheLast() throws IOException {
        String install = "mkdir -p node_modules/ms && echo \"$1\" > node_modules/ms/installed-by";
        NodeBuilder npm = fakeNpm(install);
        npm.build(copyOf("with-deps", "first"), cached(), output::add);
        assertThat(tmp.resolve("build-cache/node_modules/ms/installed-by")).as("saved").exists();
        output.clear();

        npm.build(copyOf("with-deps", "same-npm"), cached(), output::add);
        assertThat(output).contains("restored node_modules from the build cache (same lockfile, package manager, Node "
                + "and npm)");
        output.clear();

        NodeBuilder upgraded = fakeNpm("# npm, a release later\n" + install);
        BuildResult afresh = upgraded.build(copyOf("with-deps", "new-npm"), cached(), output::add);

        assertThat(afresh.how()).isEqualTo("npm ci");
        assertThat(output).noneMatch(line -> line.startsWith("restored node_modules"));
    }

    @Test
    void eachBuildWritesItsTempFilesInADirOfItsOwnThatGoesWithIt() throws IOException {
        Path app = copyOf("with-deps", "app");
        addScript(app, "build", "tsc");
        NodeBuilder npm = fakeNpm("echo \"tmp: $TMPDIR\"; touch \"$TMPDIR/$1.left\"");

        npm.build(app, BuildRequest.plain(), output::add);
        npm.build(app, BuildRequest.plain(), output::add);

        List<Path> dirs = output.stream().filter(l -> l.startsWith("tmp: ")).map(l -> Path.of(l.substring(5))).toList();
        // install and build of one build share one, the next build gets another: not the host's /tmp, shared by apps
        assertThat(dirs).hasSize(4).allMatch(dir -> dir.startsWith(tmp.resolve("cache")));
        assertThat(dirs.get(0)).isEqualTo(dirs.get(1)).isNotEqualTo(dirs.get(2));
        assertThat(dirs).allMatch(dir -> Files.notExists(dir));
    }

    @Test
    void theAppsConfigVarsReachTheBuildButNodeEnvProductionNeverReachesTheInstall() throws IOException {
        Path app = copyOf("typescript", "app");
        NodeBuilder npm = fakeNpm("echo \"$1 NODE_ENV=${NODE_ENV-unset} API_URL=$API_URL\"");

        npm.build(app, BuildRequest.plain().withConfig(Map.of("NODE_ENV", "production", "API_URL", "https://api.test")),
                output::add);

        assertThat(output).containsSubsequence(
                "ci NODE_ENV=unset API_URL=https://api.test",
                "run NODE_ENV=production API_URL=https://api.test",
                "prune NODE_ENV=production API_URL=https://api.test");
    }

    @Test
    void npmConfigProductionFalseKeepsDevDependenciesAsOnHeroku() throws IOException {
        Path app = copyOf("typescript", "app");

        BuildResult built = fakeNpm("echo \"ran $1\"").build(app,
                BuildRequest.plain().withConfig(Map.of("NPM_CONFIG_PRODUCTION", "false")), output::add);

        assertThat(built.detail()).isEqualTo("npm ci, npm run build");
        assertThat(built.pruned().names()).isEmpty();
        assertThat(output).contains("keeping devDependencies: NPM_CONFIG_PRODUCTION=false is set")
                .doesNotContain("ran prune");
    }

    @Test
    void withoutALockfileItRunsNpmInstallAndSaysSo() throws IOException {
        Path app = copyOf("with-deps", "app");
        Files.delete(app.resolve("package-lock.json"));

        BuildResult built = fakeNpm("echo \"args: $*\"").build(app, BuildRequest.plain(), output::add);

        assertThat(built.how()).isEqualTo("npm install");
        assertThat(output.get(0)).startsWith("warning: no lockfile");
        assertThat(output).contains("args: install --include=dev --no-audit --no-fund");
    }

    @Test
    void aFailingNpmReportsItsExitCodeAndTheLast40Lines() throws IOException {
        Path app = copyOf("with-deps", "app");
        NodeBuilder npm = fakeNpm("for i in $(seq 1 100); do echo \"line $i\"; done; exit 3");

        assertThatThrownBy(() -> npm.build(app, BuildRequest.plain(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).isEqualTo("npm ci failed (exit 3)");
                    assertThat(e.detail().lines().toList()).hasSize(40).startsWith("line 61").endsWith("line 100");
                });
        assertThat(output).hasSize(101).startsWith("$ npm ci --include=dev --no-audit --no-fund");
    }

    @Test
    void aHungNpmIsKilledWithEverythingItStarted() throws IOException {
        Path app = copyOf("with-deps", "app");
        Path childPid = tmp.resolve("child.pid");
        NodeBuilder npm = fakeNpm("sleep 300 &\necho $! > " + childPid + "\necho waiting\nwait", Duration.ofSeconds(2));

        assertThatThrownBy(() -> npm.build(app, BuildRequest.plain(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                    assertThat(e.getMessage()).isEqualTo("npm ci timed out: a build may take at most 2s");
                    assertThat(e.detail()).contains("waiting");
                });
        long pid = Long.parseLong(Files.readString(childPid).strip());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void aHungBuildScriptHitsTheSameTimeLimit() throws IOException {
        Path app = copyOf("typescript", "app");
        NodeBuilder npm = fakeNpm("if [ \"$1\" = run ]; then echo compiling; sleep 300; fi", Duration.ofSeconds(2));

        assertThatThrownBy(() -> npm.build(app, BuildRequest.plain(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                    assertThat(e.getMessage()).isEqualTo("npm run build timed out: a build may take at most 2s");
                    assertThat(e.detail()).contains("compiling");
                });
    }

    @Test
    void nextsBuildCacheFromTheLastBuildIsThereForTheNextOne() throws IOException {
        NodeBuilder npm = fakeNpm("""
                if [ "$1" = run ]; then
                  if [ -f .next/cache/webpack/seen ]; then echo "next cache: $(cat .next/cache/webpack/seen)"; fi
                  mkdir -p .next/cache/webpack && echo "from $(basename "$PWD")" > .next/cache/webpack/seen
                fi
                """);

        npm.build(copyOf("typescript", "first"), cached(), output::add);
        assertThat(output).noneMatch(line -> line.startsWith("next cache:"));
        npm.build(copyOf("typescript", "second"), cached(), output::add);

        assertThat(output).contains("next cache: from first");
        assertThat(tmp.resolve("build-cache/.next-cache/webpack/seen")).hasContent("from second");
    }

    @Test
    void yarnWithoutCorepackOnTheServerFailsSayingWhatToDo() throws IOException {
        Path app = yarnApp();
        Path bin = Files.createDirectories(tmp.resolve("empty-bin"));
        NodeBuilder npm = new NodeBuilder(tmp.resolve("cache"), Duration.ofSeconds(30), bin.toString());

        assertThatThrownBy(() -> npm.build(app, BuildRequest.plain(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.FAILED);
                    assertThat(e.getMessage()).isEqualTo(
                            "yarn.lock needs yarn, which skep gets through corepack, but corepack is not on the server's PATH");
                    assertThat(e.detail()).contains("install Node.js 20 or later").contains("package-lock.json");
                });
    }

    @Test
    void aYarnCorepackCannotGetFailsTheBuildWithCorepacksOwnWords() throws IOException {
        Path app = yarnApp();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        // corepack enable writes a yarn that fails as corepack does when it cannot fetch yarn
        write(bin.resolve("corepack"), """
                #!/bin/sh
                printf '#!/bin/sh\necho "Error: No compatible signature found in package metadata"\nexit 1\n' > "$3/yarn"
                chmod +x "$3/yarn"
                """);
        NodeBuilder npm = new NodeBuilder(tmp.resolve("cache"), Duration.ofSeconds(30), bin + ":/usr/bin:/bin");

        assertThatThrownBy(() -> npm.build(app, BuildRequest.plain(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).isEqualTo("could not get yarn through corepack (exit 1)");
                    assertThat(e.detail()).contains("packageManager")
                            .endsWith("Error: No compatible signature found in package metadata");
                });
        assertThat(output).startsWith("$ yarn --version");
    }

    // --- helpers ---

    private Path yarnApp() throws IOException {
        Path app = copyOf("with-deps", "yarn-app");
        Files.delete(app.resolve("package-lock.json"));
        Files.writeString(app.resolve("yarn.lock"), "# THIS IS AN AUTOGENERATED FILE.\n# yarn lockfile v1\n");
        return app;
    }

    private static void write(Path script, String body) throws IOException {
        Files.writeString(script, body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    // --- the Node the app asks for ---

    @Test
    void theHostsNodeBuildsAnAppWhoseRangeItSatisfies() throws IOException {
        Path app = copyOf("with-deps", "engines");
        setEnginesNode(app, ">=18 <" + (hostMajor() + 1));
        NodeBuilder npm = fakeNpm("echo \"npm sees $(node --version) at $(command -v node)\"");

        BuildResult built = npm.build(app, BuildRequest.plain(), output::add);

        assertThat(built.node()).isEqualTo(hostVersion());
        assertThat(output).contains("Node " + hostVersion() + ", the host's: it satisfies \">=18 <" + (hostMajor() + 1)
                + "\" (package.json engines.node)");
        assertThat(output).anyMatch(line -> line.startsWith("npm sees v" + hostVersion() + " at /"));
        assertThat(output).noneMatch(line -> line.startsWith("downloading"));
    }

    @Test
    void anUnparseableRangeFailsTheBuildBeforeAnythingRuns() throws IOException {
        Path app = copyOf("with-deps", "engines");
        setEnginesNode(app, ">= twenty");
        NodeBuilder npm = fakeNpm("echo ran npm");

        assertThatThrownBy(() -> npm.build(app, BuildRequest.plain(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.detail()).contains("22.x");
                })
                .hasMessageContaining("\">= twenty\" (package.json engines.node) is not a version range");
        assertThat(output).doesNotContain("ran npm");
    }

    @Test
    void aRangeNoReleaseSatisfiesNamesTheNewestPerMajorFromTheRegistry() throws IOException {
        Path app = copyOf("with-deps", "engines");
        Files.writeString(app.resolve(".nvmrc"), ">=99\n");

        // the real npm: it asks the registry which releases there are
        assertThatThrownBy(() -> realNpm().build(app, BuildRequest.plain(), output::add))
                .isInstanceOfSatisfying(SkepException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE))
                .hasMessageContaining("no Node release satisfies \">=99\" (.nvmrc); the newest per major: ")
                .hasMessageMatching("(?s).*per major: \\d+\\.\\d+\\.\\d+(, \\d+\\.\\d+\\.\\d+){7}$")
                .hasMessageContaining(", " + hostMajor() + ".");
        assertThat(output).noneMatch(line -> line.startsWith("$ "));
    }

    @Test
    void npmUnderAFetchedNodeReadsTheHostsGlobalNpmrcAsUnderTheHostsNode() throws IOException, InterruptedException {
        // the host's npmrc is where an admin puts the registry mirror, proxy or cafile builds need; npm
        // looks for it under the prefix of the node running it, a fetched release's own dir (none there)
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        Path hostNode = Path.of(StepRunner.find("node", path));
        Path nodes = tmp.resolve("node");
        // a release as a download leaves it, under a version below the host's (the host's binary will do:
        // what matters is the prefix it runs from)
        Path release = Files.createDirectories(nodes.resolve("18.20.8/bin")).resolve("node");
        Files.copy(hostNode, release);
        NodeBuilder npm = new NodeBuilder(tmp.resolve("cache"), Duration.ofMinutes(2), path,
                new NodeInstalls(hostNode, new NodeCache(nodes, NodeDist.onPath(path))));
        Path app = Files.createDirectories(tmp.resolve("globalconfig"));
        Files.writeString(app.resolve("package.json"), """
                { "name": "globalconfig", "version": "1.0.0", "engines": { "node": "18.20.8" },
                  "scripts": { "build": "echo \\"npm runs $(node -p process.execPath), globalconfig $(npm config get globalconfig)\\"" } }
                """);

        BuildResult built = npm.build(app, BuildRequest.plain(), output::add);

        assertThat(built.node()).isEqualTo("18.20.8");
        Process host = new ProcessBuilder("npm", "config", "get", "globalconfig").redirectErrorStream(true).start();
        String hostConfig = new String(host.getInputStream().readAllBytes()).strip();
        host.waitFor();
        assertThat(hostConfig).endsWith("/etc/npmrc");
        assertThat(output).contains("npm runs " + release + ", globalconfig " + hostConfig);
    }

    /**
     * Node 16 from the real registry (fetched once into target/node), and its npm: the host's npm 11 fails there
     * at once ({@code tracingChannel is not a function}); Heroku runs the npm the release ships, 8.x.
     */
    @Test
    void anAppOnNode16InstallsAndBuildsWithTheNpmNode16Ships() throws IOException, InterruptedException {
        Path app = Files.createDirectories(tmp.resolve("node16"));
        Files.createDirectories(app.resolve("greeting"));
        Files.writeString(app.resolve("greeting/package.json"), "{ \"name\": \"greeting\", \"version\": \"1.0.0\" }");
        Files.writeString(app.resolve("greeting/index.js"), "module.exports = 'installed';");
        Files.writeString(app.resolve("package.json"), """
                { "name": "node16", "version": "1.0.0", "engines": { "node": "16.x" },
                  "dependencies": { "greeting": "file:greeting" },
                  "scripts": { "build": "echo \\"built on $(node -v) with npm $(npm -v) from $(command -v npm): $(node -p 'require(`greeting`)')\\"" } }
                """);
        // the lockfile, by the host's npm (a local dependency: nothing fetched)
        Process lock = new ProcessBuilder("npm", "install", "--package-lock-only", "--no-audit", "--no-fund")
                .directory(app.toFile()).redirectErrorStream(true).start();
        String lockOutput = new String(lock.getInputStream().readAllBytes());
        assertThat(lock.waitFor()).as(lockOutput).isZero();

        BuildResult built = realNpm().build(app, BuildRequest.plain(), output::add);

        assertThat(built.node()).startsWith("16.");
        assertThat(built.npm()).as("recorded: the release's instances run it too").matches("8\\.\\d+\\.\\d+");
        assertThat(built.how()).isEqualTo("npm ci");
        Path npms = CACHE.resolveSibling("npm");
        assertThat(output).anyMatch(line -> line.matches("npm 8\\.\\d+\\.\\d+: the npm 8\\.x Node 16\\.\\d+\\.\\d+ ships"));
        assertThat(output).anyMatch(line -> line.matches("built on v" + Pattern.quote(built.node()) + " with npm 8\\.\\d+\\.\\d+ from "
                + Pattern.quote(npms.toString()) + "/8\\.\\d+\\.\\d+/bin/npm: installed"));
    }

    private static String hostVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").start();
            return new String(p.getInputStream().readAllBytes()).strip().substring(1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int hostMajor() {
        return Integer.parseInt(hostVersion().split("\\.")[0]);
    }

    private static void setEnginesNode(Path app, String range) throws IOException {
        String json = Files.readString(app.resolve("package.json")).strip();
        Files.writeString(app.resolve("package.json"), json.substring(0, json.length() - 1)
                + ", \"engines\": { \"node\": \"" + range + "\" } }");
    }

    private BuildRequest cached() {
        return BuildRequest.plain().withCache(tmp.resolve("build-cache"));
    }

    private static NodeBuilder realNpm() {
        return new NodeBuilder(CACHE, Duration.ofMinutes(3));
    }

    private Path copyOf(String fixture, String name) throws IOException {
        Path copy = tmp.resolve(name);
        TreeCopy.copy(Fixtures.app(fixture), copy);
        return copy;
    }

    private static void addScript(Path app, String name, String command) throws IOException {
        String json = Files.readString(app.resolve("package.json")).strip();
        String escaped = command.replace("\\", "\\\\").replace("\"", "\\\"");
        Files.writeString(app.resolve("package.json"), json.substring(0, json.length() - 1)
                + ", \"scripts\": { \"" + name + "\": \"" + escaped + "\" } }");
    }

    private NodeBuilder fakeNpm(String body) throws IOException {
        return fakeNpm(body, Duration.ofSeconds(30));
    }

    /** An "npm" that runs {@code body} under sh, first on a PATH that still has the real tools. */
    private NodeBuilder fakeNpm(String body, Duration timeout) throws IOException {
        return new NodeBuilder(tmp.resolve("cache"), timeout, npmScript(body) + ":/usr/bin:/bin");
    }

    /** The same, with the host's node found in {@code nodeBin} */
    private NodeBuilder fakeNpm(String body, Path nodeBin) throws IOException {
        return new NodeBuilder(tmp.resolve("cache"), Duration.ofSeconds(30), npmScript(body) + ":" + nodeBin + ":/usr/bin:/bin");
    }

    private Path npmScript(String body) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path script = bin.resolve("npm");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }
}
