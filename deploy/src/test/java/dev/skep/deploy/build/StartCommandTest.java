package dev.skep.deploy.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.deploy.Fixtures;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartCommandTest {

    @TempDir
    Path app;

    // --- precedence ---

    @Test
    void procfileWebComesFirst() throws IOException {
        write("Procfile", "web: node web.js --mode=procfile\nworker: node worker.js\n");
        write("web.js", "");
        write("worker.js", "");
        write("package.json", "{\"main\":\"server.js\",\"scripts\":{\"start\":\"node server.js\"}}");
        write("server.js", "");

        assertThat(StartCommand.detect(app)).containsExactly("node", "web.js", "--mode=procfile");
    }

    @Test
    void theProcfileFixtureRunsItsWebLine() {
        assertThat(StartCommand.detect(Fixtures.app("procfile"))).containsExactly("node", "web.js", "--mode=procfile");
    }

    @Test
    void aProcfileWithoutWebIsAWorkerOnlyApp() throws IOException {
        write("Procfile", "worker: node worker.js\n");
        write("worker.js", "");
        write("server.js", "");

        StartCommand.Processes p = StartCommand.processes(app);
        assertThat(p.web()).isEmpty();
        assertThat(p.others()).containsExactly(Map.entry("worker", List.of("node", "worker.js")));
        assertThat(p.release()).isEmpty();
    }

    @Test
    void aProcfileWithOnlyAReleaseLineKeepsTheDetectedWeb() throws IOException {
        write("Procfile", "release: node migrate.js\n");
        write("migrate.js", "");
        write("server.js", "");

        StartCommand.Processes p = StartCommand.processes(app);
        assertThat(p.web()).containsExactly("node", "server.js");
        assertThat(p.release()).containsExactly("node", "migrate.js");
    }

    @Test
    void everyProcfileTypeIsReadInOrder() throws IOException {
        write("Procfile", "# formation\nweb: node web.js\n\nworker: node worker.js\nclock: node clock.js --tick 1\n"
                + "release: ./migrate.sh && echo done\n");
        for (String f : List.of("web.js", "worker.js", "clock.js")) {
            write(f, "");
        }
        StartCommand.Processes p = StartCommand.processes(app);
        assertThat(p.web()).containsExactly("node", "web.js");
        assertThat(p.others().keySet()).containsExactly("worker", "clock");
        assertThat(p.others().get("clock")).containsExactly("node", "clock.js", "--tick", "1");
        assertThat(p.release()).containsExactly("/bin/sh", "-c", "./migrate.sh && echo done");
        assertThat(p.describe()).isEqualTo("web: node web.js; worker: node worker.js; clock: node clock.js --tick 1; "
                + "release: /bin/sh -c ./migrate.sh && echo done");
    }

    @Test
    void aBadProcfileLineFailsNamingTheLine() throws IOException {
        write("web.js", "");
        write("Procfile", "web: node web.js\nthis is not a process\n");
        unprocessable(() -> StartCommand.processes(app), "Procfile line 2 'this is not a process' is not 'type: command'");
        write("Procfile", "web: node web.js\nWorker.A: node web.js\n");
        unprocessable(() -> StartCommand.processes(app), "Procfile line 2 'Worker.A: node web.js' names the process "
                + "type 'Worker.A'");
        write("Procfile", "web: node web.js\nworker:\n");
        unprocessable(() -> StartCommand.processes(app), "Procfile line 2 'worker:' has no command");
        write("Procfile", "web: node web.js\nweb: node other.js\n");
        unprocessable(() -> StartCommand.processes(app), "Procfile line 2 'web: node other.js' names 'web' a second time");
        write("Procfile", "web: node web.js\nworker: node gone.js\n");
        unprocessable(() -> StartCommand.processes(app), "Procfile worker: 'node gone.js' runs gone.js, which is not in "
                + "the upload");
    }

    @Test
    void scriptsStartComesBeforeMain() throws IOException {
        write("package.json", "{\"main\":\"b.js\",\"scripts\":{\"start\":\"node a.js\"}}");
        write("a.js", "");
        write("b.js", "");

        assertThat(StartCommand.detect(app)).containsExactly("node", "a.js");
    }

    @Test
    void theHelloFixtureRunsItsStartScript() {
        assertThat(StartCommand.detect(Fixtures.app("hello"))).containsExactly("node", "server.js");
    }

    @Test
    void aBareFileInScriptsStartRunsUnderNodeAsHaibuDid() throws IOException {
        write("package.json", "{\"scripts\":{\"start\":\"server.js\"}}");
        write("server.js", "");

        assertThat(StartCommand.detect(app)).containsExactly("node", "server.js");
    }

    @Test
    void mainComesBeforeTheDefaultFilesAndIsResolvedAsNodeWould() throws IOException {
        write("package.json", "{\"main\":\"lib/start\"}");
        write("lib/start.js", "");
        write("server.js", "");

        assertThat(StartCommand.detect(app)).containsExactly("node", "lib/start.js");
    }

    @Test
    void aMainDirectoryMeansItsIndexJs() throws IOException {
        write("package.json", "{\"main\":\"lib\"}");
        write("lib/index.js", "");

        assertThat(StartCommand.detect(app)).containsExactly("node", "lib/index.js");
    }

    @Test
    void theWithDepsFixtureRunsItsMain() {
        assertThat(StartCommand.detect(Fixtures.app("with-deps"))).containsExactly("node", "index.js");
    }

    @Test
    void aMissingMainFallsBackToServerJsAsNpmStartWould() throws IOException {
        write("package.json", "{\"main\":\"index.js\"}");
        write("server.js", "");

        assertThat(StartCommand.detect(app)).containsExactly("node", "server.js");
    }

    @Test
    void theDefaultFilesGoServerThenAppThenIndex() throws IOException {
        write("index.js", "");
        assertThat(StartCommand.detect(app)).containsExactly("node", "index.js");
        write("app.js", "");
        assertThat(StartCommand.detect(app)).containsExactly("node", "app.js");
        write("server.js", "");
        assertThat(StartCommand.detect(app)).containsExactly("node", "server.js");
    }

    @Test
    void slowStartFixtureRunsAppJs() {
        assertThat(StartCommand.detect(Fixtures.app("slow-start"))).containsExactly("node", "app.js");
    }

    // --- commands ---

    @Test
    void aPlainCommandIsSplitIntoWords() throws IOException {
        write("package.json", "{\"scripts\":{\"start\":\"node  --max-old-space-size=200 -r dotenv/config server.js  8080\"}}");
        write("server.js", "");

        assertThat(StartCommand.detect(app))
                .containsExactly("node", "--max-old-space-size=200", "-r", "dotenv/config", "server.js", "8080");
    }

    @Test
    void aCommandWithShellSyntaxRunsUnderShExec() throws IOException {
        write("server.js", "");
        assertThat(startWith("NODE_ENV=production node server.js"))
                .containsExactly("/bin/sh", "-c", "exec NODE_ENV=production node server.js");
        assertThat(startWith("node server.js > out.log 2>&1"))
                .containsExactly("/bin/sh", "-c", "exec node server.js > out.log 2>&1");
        assertThat(startWith("node $ENTRY")).containsExactly("/bin/sh", "-c", "exec node $ENTRY");
        assertThat(startWith("node 'my server.js'")).containsExactly("/bin/sh", "-c", "exec node 'my server.js'");
    }

    @Test
    void aCompoundCommandKeepsItsShellSoTheRestStillRuns() throws IOException {
        assertThat(startWith("npm run build && node dist/server.js"))
                .containsExactly("/bin/sh", "-c", "npm run build && node dist/server.js");
        assertThat(startWith("node server.js | tee log")).containsExactly("/bin/sh", "-c", "node server.js | tee log");
    }

    // --- prestart, as npm start runs it ---

    @Test
    void aPrestartScriptRunsBeforeTheStartAsNpmStartRunsIt() throws IOException {
        write("package.json", "{\"scripts\":{\"prestart\":\"node migrate.js\",\"start\":\"node server.js\"}}");
        write("server.js", "");

        assertThat(StartCommand.detect(app)).containsExactly("/bin/sh", "-c", "( node migrate.js ) || exit $?; exec node server.js");

        write("package.json", "{\"main\":\"my server.js\",\"scripts\":{\"prestart\":\"echo ready\"}}");
        write("my server.js", "");
        assertThat(StartCommand.detect(app)).as("npm start without a start script starts a default file: it too")
                .containsExactly("/bin/sh", "-c", "( echo ready ) || exit $?; exec node 'my server.js'");

        write("package.json", "{\"scripts\":{\"prestart\":\"echo ready\",\"start\":\"PORT=1 node server.js || true\"}}");
        assertThat(StartCommand.detect(app)).containsExactly("/bin/sh", "-c", "( echo ready ) || exit $?; PORT=1 node server.js || true");

        write("Procfile", "web: node server.js\n");
        assertThat(StartCommand.detect(app)).as("a Procfile's line is the command, as on Heroku")
                .containsExactly("node", "server.js");
    }

    /** The line really runs: prestart first, in a shell of its own; the start only after it succeeded, as sh's own process. */
    @Test
    void thePrestartLineRunsPrestartThenExecsTheStartAndAFailedPrestartStartsNothing() throws Exception {
        write("package.json", "{\"scripts\":{\"prestart\":\"cd / && echo migrated > \\\"$OLDPWD/pre.txt\\\"\","
                + "\"start\":\"sh start.sh\"}}");
        write("start.sh", "echo \"start after $(cat pre.txt) in $(basename \"$PWD\") as $$ of $PPID\"\n");

        List<String> argv = StartCommand.detect(app);
        Process run = new ProcessBuilder(argv).directory(app.toFile()).redirectErrorStream(true).start();
        String said = new String(run.getInputStream().readAllBytes()).strip();

        assertThat(run.waitFor()).isZero();
        // the cd stayed in prestart's shell; $$ is the sh -c's own pid, the start's parent is this JVM: exec'd
        assertThat(said).isEqualTo("start after migrated in " + app.getFileName() + " as " + run.pid() + " of "
                + ProcessHandle.current().pid());

        for (String start : List.of("sh start.sh", "sh start.sh || echo fallback")) {
            write("package.json", "{\"scripts\":{\"prestart\":\"exit 3\",\"start\":" + json(start) + "}}");
            Process failed = new ProcessBuilder(StartCommand.detect(app)).directory(app.toFile())
                    .redirectErrorStream(true).start();
            assertThat(new String(failed.getInputStream().readAllBytes())).as(start).isEmpty();
            assertThat(failed.waitFor()).as(start).isEqualTo(3);
        }
    }

    @Test
    void aPrestartRunningAPrunedToolFailsTheBuild() throws IOException {
        write("package.json", "{\"scripts\":{\"prestart\":\"tsc\",\"start\":\"node server.js\"}}");
        write("server.js", "");

        unprocessable(() -> StartCommand.processes(app, NEST_AND_VITE),
                "package.json scripts.prestart 'tsc' runs tsc, which a devDependency provides");
    }

    /** A prestart that builds for a local npm start would build again at every start, with the build's tools pruned. */
    @Test
    void aPrestartRunningTheBuildScriptWithPrunedToolsFailsTheBuildSayingItRanAlready() throws IOException {
        write("package.json", "{\"scripts\":{\"build\":\"tsc\",\"prestart\":\"npm run build\","
                + "\"start\":\"node dist/index.js\"}}");
        write("dist/index.js", "");

        assertThatThrownBy(() -> StartCommand.processes(app, NEST_AND_VITE)).isInstanceOfSatisfying(SkepException.class,
                e -> {
                    assertThat(e.getMessage()).isEqualTo("package.json scripts.prestart 'npm run build' runs tsc "
                            + "(scripts.build), which a devDependency provides: devDependencies are pruned after the "
                            + "build, so it would not be found at start");
                    assertThat(e.detail()).contains("the build ran at deploy already").contains("drop the prestart")
                            .contains("NPM_CONFIG_PRODUCTION=false");
                });
        assertThat(StartCommand.processes(app, PrunedBins.NONE).web()).as("devDependencies kept: it runs, as on Heroku")
                .containsExactly("/bin/sh", "-c", "( npm run build ) || exit $?; exec node dist/index.js");
    }

    @Test
    void theScriptALineRunsThroughItsPackageManagerIsFound() {
        assertThat(StartCommand.scriptRun("npm run build")).hasValue("build");
        assertThat(StartCommand.scriptRun("NODE_ENV=production npm run-script db:migrate --")).hasValue("db:migrate");
        assertThat(StartCommand.scriptRun("yarn build")).hasValue("build");
        assertThat(StartCommand.scriptRun("pnpm run build")).hasValue("build");
        assertThat(StartCommand.scriptRun("npm build")).as("npm runs scripts with run only").isEmpty();
        assertThat(StartCommand.scriptRun("node migrate.js")).isEmpty();
        assertThat(StartCommand.scriptRun("npm")).isEmpty();
    }

    // --- failures ---

    @Test
    void brokenPackageJsonNamesTheFileAndWhere() throws IOException {
        write("package.json", "{\n  \"name\": \"x\",\n  \"scripts\": { \"start\": \"node server.js\" \n}");
        write("server.js", "");

        assertThatThrownBy(() -> StartCommand.detect(app)).isInstanceOfSatisfying(SkepException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
            assertThat(e.getMessage()).startsWith("package.json is not valid JSON at line 4, column 2");
        });
    }

    @Test
    void aStartCommandRunningAMissingFileIsUnprocessable() throws IOException {
        unprocessable(() -> startWith("node missing.js"),
                "package.json scripts.start 'node missing.js' runs missing.js, which is not in the upload");
        unprocessable(() -> startWith("missing.js"),
                "package.json scripts.start 'missing.js' runs missing.js, which is not in the upload");
        unprocessable(() -> startWith("node ../outside.js"), "runs ../outside.js, which is outside the app");
        write("Procfile", "web: node gone.js\n");
        unprocessable(() -> StartCommand.detect(app), "Procfile web: 'node gone.js' runs gone.js, which is not in the upload");
    }

    @Test
    void aMissingMainWithNoDefaultFileIsUnprocessable() throws IOException {
        write("package.json", "{\"main\":\"lib/gone.js\"}");
        unprocessable(() -> StartCommand.detect(app), "package.json main 'lib/gone.js' is not in the upload");
    }

    @Test
    void nothingToStartIsUnprocessable() throws IOException {
        write("package.json", "{\"name\":\"x\"}");
        unprocessable(() -> StartCommand.detect(app), "no start command");
    }

    /** What `sv create` and adapter-node make: a first deploy failed so, its hint naming server.js. */
    @Test
    void withoutAStartCommandTheServerAFrameworksBuildWroteIsNamed() throws IOException {
        write("package.json", "{\"name\":\"kit\",\"scripts\":{\"build\":\"vite build\"}}");
        write("build/index.js", "");

        assertThatThrownBy(() -> StartCommand.detect(app)).isInstanceOfSatisfying(SkepException.class, e -> {
            assertThat(e.getMessage()).startsWith("no start command: no Procfile, scripts.start");
            assertThat(e.detail()).isEqualTo("the build wrote build/index.js (SvelteKit's adapter-node): start it with "
                    + "scripts.start 'node build/index.js' in package.json, or a Procfile line 'web: node build/index.js'");
        });
    }

    @Test
    void aStartScriptThatIsNotAStringIsUnprocessable() throws IOException {
        write("package.json", "{\"scripts\":{\"start\":42}}");
        unprocessable(() -> StartCommand.detect(app), "package.json scripts.start must be a string");
    }

    // --- tools the prune took away ---

    private static final PrunedBins NEST_AND_VITE = new PrunedBins(Set.of("nest", "vite", "tsc"),
            "NPM_CONFIG_PRODUCTION=false");

    @Test
    void aStartScriptRunningAPrunedToolFailsTheBuildNamingItAndStartProd() throws IOException {
        // what `nest new` writes: start runs the CLI, a devDependency; start:prod runs what nest build made
        write("package.json", "{\"scripts\":{\"start\":\"nest start\",\"start:prod\":\"node dist/main\"}}");
        write("dist/main.js", "");

        assertThatThrownBy(() -> StartCommand.processes(app, NEST_AND_VITE)).isInstanceOfSatisfying(SkepException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).isEqualTo("package.json scripts.start 'nest start' runs nest, which a "
                            + "devDependency provides: devDependencies are pruned after the build, so it would not be "
                            + "found at start");
                    assertThat(e.detail()).contains("a Procfile line 'web: node dist/main'")
                            .contains("move the package that provides nest, and what it loads at start, to dependencies")
                            .contains("NPM_CONFIG_PRODUCTION=false");
                });
    }

    @Test
    void aShellLineStartingAPrunedToolFailsTooPastAssignmentsAndExec() throws IOException {
        write("package.json", "{}");
        write("Procfile", "web: vite preview --port $PORT --host\n");
        unprocessable(() -> StartCommand.processes(app, NEST_AND_VITE),
                "Procfile web: 'vite preview --port $PORT --host' runs vite, which a devDependency provides");
        // no start:prod to point to: no made-up file name either
        assertThatThrownBy(() -> StartCommand.processes(app, NEST_AND_VITE)).isInstanceOfSatisfying(SkepException.class,
                e -> assertThat(e.detail()).startsWith("start with what the build made (node running the file it "
                        + "wrote, or a command of a dependency); or keep devDependencies"));
        write("Procfile", "web: node server.js\nworker: NODE_ENV=production exec tsc --watch\n");
        write("server.js", "");
        unprocessable(() -> StartCommand.processes(app, NEST_AND_VITE), "Procfile worker: 'NODE_ENV=production exec "
                + "tsc --watch' runs tsc, which a devDependency provides");
    }

    @Test
    void commandsTheBuildKeptOrThatAreNotPlainNamesPass() throws IOException {
        write("package.json", "{\"scripts\":{\"start\":\"serve -s dist -l $PORT\"}}");
        assertThat(StartCommand.processes(app, NEST_AND_VITE).web())
                .containsExactly("/bin/sh", "-c", "exec serve -s dist -l $PORT");
        write("package.json", "{\"scripts\":{\"start\":\"./node_modules/.bin/vite preview\"}}");
        assertThat(StartCommand.processes(app, NEST_AND_VITE).web())
                .containsExactly("./node_modules/.bin/vite", "preview");
        // nothing pruned (kept by NPM_CONFIG_PRODUCTION=false, or a slug reused): no check
        write("package.json", "{\"scripts\":{\"start\":\"nest start\"}}");
        assertThat(StartCommand.processes(app, PrunedBins.NONE).web()).containsExactly("nest", "start");
    }

    @Test
    void theProgramOfALineIsItsFirstPlainWordPastAssignmentsAndExec() {
        assertThat(StartCommand.program("vite preview --port $PORT")).hasValue("vite");
        assertThat(StartCommand.program("  A=1 B= exec  next start")).hasValue("next");
        assertThat(StartCommand.program("$TOOL start")).isEmpty();
        assertThat(StartCommand.program("bin/run")).isEmpty();
        assertThat(StartCommand.program("")).isEmpty();
    }

    private List<String> startWith(String script) throws IOException {
        write("package.json", "{\"scripts\":{\"start\":" + json(script) + "}}");
        return StartCommand.detect(app);
    }

    private static void unprocessable(ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SkepException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE);
            assertThat(e.getMessage()).contains(message);
            assertThat(e.detail()).isNotBlank();
        });
    }

    private void write(String name, String content) throws IOException {
        Path file = app.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
