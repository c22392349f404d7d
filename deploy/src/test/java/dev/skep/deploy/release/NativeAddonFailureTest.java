package dev.skep.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NativeAddonFailureTest {

    /** What better-sqlite3 said under yarn 4, whose install had skipped its build script: 25 lines, the error 5th. */
    @Test
    void anAddonWhoseBuildScriptNeverRanIsNamedWithTheSettingsThatRunIt() {
        String at = "2026-12-07T21:07:56.481Z alice.berry.1.web.1.d780a8 stderr ";
        List<String> lines = List.of(at + "/app/.yarn/cache/bindings-npm-1.5.0.zip/node_modules/bindings/bindings.js:126",
                at + "  err = new Error(", at + "        ^", at,
                at + "Error: Could not locate the bindings file. Tried:",
                at + " → /app/.yarn/unplugged/better-sqlite3-npm-12.11.1/node_modules/better-sqlite3/build/better_sqlite3.node",
                at + "Node.js v20.20.2");

        assertThat(NativeAddonFailure.in(lines)).hasValueSatisfying(advice -> assertThat(advice)
                .startsWith("a native addon was never compiled").contains("pnpm.onlyBuiltDependencies")
                .contains("dependenciesMeta.NAME.built"));
        assertThat(NativeAddonFailure.in(List.of(at + "Error: No native build was found for platform=linux arch=x64 "
                + "runtime=node abi=115 uv=1 libc=glibc node=20.20.2"))).isPresent();
    }

    @Test
    void anAddonBuiltForAnotherNodeIsToldApart() {
        List<String> lines = List.of("Error: The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'",
                "was compiled against a different Node.js version using", "NODE_MODULE_VERSION 108. This version of "
                        + "Node.js requires", "NODE_MODULE_VERSION 115.");

        assertThat(NativeAddonFailure.in(lines)).hasValueSatisfying(advice -> assertThat(advice)
                .startsWith("a native addon was compiled for another Node or system").contains("without node_modules"));
    }

    @Test
    void anyOtherFailureGetsNoAdvice() {
        assertThat(NativeAddonFailure.in(List.of("Error: Cannot find module 'express'", "Node.js v20.20.2"))).isEmpty();
    }
}
