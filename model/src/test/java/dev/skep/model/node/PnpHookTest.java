package dev.skep.model.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NODE_OPTIONS yarn gives a Plug'n'Play app's scripts, made by skep for its processes, and read by real node. */
class PnpHookTest {

    @TempDir
    Path app;

    @Test
    void aSlugWithoutPnpHasNoHook() throws IOException {
        Files.createDirectories(app.resolve("node_modules"));
        assertThat(PnpHook.of(app)).isEmpty();
    }

    @Test
    void theHookRequiresPnpCjsAbsolutelyAndKeepsTheAppsOptionsAfterIt() throws IOException {
        Files.writeString(app.resolve(".pnp.cjs"), "");
        Map<String, String> env = new HashMap<>(Map.of("NODE_OPTIONS", " --max-old-space-size=256 "));
        PnpHook.of(app).orElseThrow().applyTo(env, Path.of("/srv/work/web.1/app"));
        assertThat(env).containsEntry("NODE_OPTIONS", "--require /srv/work/web.1/app/.pnp.cjs --max-old-space-size=256");

        Map<String, String> none = new HashMap<>();
        PnpHook.of(app).orElseThrow().applyTo(none, Path.of("/srv/work/web.1/app"));
        assertThat(none).containsEntry("NODE_OPTIONS", "--require /srv/work/web.1/app/.pnp.cjs");
    }

    @Test
    void theEsmLoaderComesAsAFileUrlWhenTheSlugHasIt() throws IOException {
        Files.writeString(app.resolve(".pnp.cjs"), "");
        Files.writeString(app.resolve(".pnp.loader.mjs"), "");
        Map<String, String> env = new HashMap<>();
        PnpHook.of(app).orElseThrow().applyTo(env, Path.of("/srv/my app"));
        assertThat(env).containsEntry("NODE_OPTIONS",
                "--require \"/srv/my app/.pnp.cjs\" --experimental-loader file:///srv/my%20app/.pnp.loader.mjs");
    }

    /** A hook that resolves one bare name to a file outside any node_modules, as yarn's does for every package. */
    @Test
    void realNodeLoadsTheHookFromAnotherDirAndResolvesThroughIt(@TempDir Path elsewhere) throws Exception {
        Path appDir = app.resolve("with space");
        Files.createDirectories(appDir.resolve(".yarn/cache/greeting"));
        Files.writeString(appDir.resolve(".yarn/cache/greeting/index.js"), "module.exports = 'hello from pnp';");
        Files.writeString(appDir.resolve(".pnp.cjs"), """
                const Module = require('module');
                const original = Module._resolveFilename;
                Module._resolveFilename = function (request, ...rest) {
                  if (request === 'greeting') return require('path').join(__dirname, '.yarn/cache/greeting/index.js');
                  return original.call(this, request, ...rest);
                };
                """);
        Files.writeString(appDir.resolve("server.js"), "console.log(require('greeting'), process.execArgv.length);");
        Map<String, String> env = new HashMap<>(Map.of("NODE_OPTIONS", "--no-deprecation"));
        PnpHook.of(appDir).orElseThrow().applyTo(env, appDir);

        // run from another dir, as a child the app starts elsewhere would be
        assertThat(node(env, elsewhere, appDir.resolve("server.js").toString())).isEqualTo("hello from pnp 0");
        env.remove("NODE_OPTIONS");
        assertThat(node(env, elsewhere, appDir.resolve("server.js").toString())).contains("Cannot find module 'greeting'");
    }

    private static String node(Map<String, String> env, Path dir, String script) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Command.find("node", System.getenv().getOrDefault("PATH",
                "/usr/bin:/bin")).toString(), script).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().retainAll(List.of("PATH"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
