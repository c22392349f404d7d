package dev.skep.deploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.deploy.build.BuildStep.Phase;
import dev.skep.deploy.build.PackageManager.Tool;
import dev.skep.model.SkepException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepFailureTest {

    private static final BuildStep YARN_INSTALL = new BuildStep(Phase.INSTALL, "yarn install",
            List.of("yarn", "install", "--frozen-lockfile"));
    private static final PackageManager YARN = new PackageManager(Tool.YARN, Optional.of("yarn.lock"), false);

    @Test
    void eachPackageManagersOutOfSyncLockfileIsNamedWithWhatToDo() {
        for (String said : List.of(
                "npm error `npm ci` can only install packages when your package.json and package-lock.json or "
                        + "npm-shrinkwrap.json are in sync.",
                "error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.",
                "YN0028: The lockfile would have been modified by this install, which is explicitly forbidden.",
                " ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with \"frozen-lockfile\"")) {
            SkepException e = StepFailure.exited(YARN_INSTALL, YARN, 1, said);
            assertThat(e.getMessage()).as(said).isEqualTo("yarn install failed (exit 1): yarn.lock does not match package.json");
            assertThat(e.detail()).startsWith("run `yarn install` locally and commit the updated yarn.lock").endsWith(said);
        }
    }

    @Test
    void anyOtherInstallFailureIsItsOutput() {
        SkepException e = StepFailure.exited(YARN_INSTALL, YARN, 1, "error An unexpected error occurred: ETIMEDOUT");

        assertThat(e.getMessage()).isEqualTo("yarn install failed (exit 1)");
        assertThat(e.detail()).isEqualTo("error An unexpected error occurred: ETIMEDOUT");
    }

    @Test
    void aPackageManagerCorepackCannotGetSaysSo() {
        SkepException e = StepFailure.exited(new BuildStep(Phase.PREPARE, "yarn through corepack",
                List.of("yarn", "--version")), YARN, 1, "Usage Error: not found");

        assertThat(e.getMessage()).isEqualTo("could not get yarn through corepack (exit 1)");
        assertThat(e.detail()).contains("packageManager").endsWith("Usage Error: not found");
    }

    /** The registry here served metadata without npm's signatures: every yarn and pnpm app without a pinned hash failed so. */
    @Test
    void metadataWithoutASignatureCorepackTrustsNamesTheConfigVarThatSkipsTheCheck() {
        String said = "Error: No compatible signature found in package metadata\n    at verifySignature (corepack.cjs:21999:63)";
        SkepException e = StepFailure.exited(new BuildStep(Phase.PREPARE, "yarn through corepack",
                List.of("yarn", "--version")), YARN, 1, said);

        assertThat(e.getMessage()).isEqualTo("could not get yarn through corepack (exit 1)");
        assertThat(e.detail()).contains("no signature corepack trusts").contains("yarn@VERSION+sha512.HEX")
                .contains("COREPACK_INTEGRITY_KEYS=0").contains("or commit a package-lock.json").endsWith(said);
    }

    /** What npm said when better-sqlite3 found no make on a server without build tools. */
    @Test
    void aNativeAddonThatDidNotCompileSaysWhatTheServerNeeds() {
        String said = """
                npm error command sh -c prebuild-install || node-gyp rebuild --release
                npm error prebuild-install warn install getaddrinfo ENOTFOUND github.com
                npm error gyp ERR! build error
                npm error gyp ERR! stack Error: not found: make
                npm error gyp ERR! not ok""";
        BuildStep npmCi = new BuildStep(Phase.INSTALL, "npm ci", List.of("npm", "ci"));
        SkepException e = StepFailure.exited(npmCi, new PackageManager(Tool.NPM, Optional.of("package-lock.json"), false),
                1, said);

        assertThat(e.getMessage()).isEqualTo("npm ci failed (exit 1): a native addon did not compile");
        assertThat(e.detail()).contains("python3, make and a C++ compiler").contains("build-essential").endsWith(said);
    }
}
