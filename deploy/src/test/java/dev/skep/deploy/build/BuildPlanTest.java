package dev.skep.deploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.deploy.build.BuildStep.Phase;
import dev.skep.deploy.build.PackageManager.Tool;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The order and the commands of a build, for each package manager, as Heroku's buildpack runs them. */
class BuildPlanTest {

    private static final PackageManager NPM = new PackageManager(Tool.NPM, Optional.of("package-lock.json"), false);
    private static final PackageManager NPM_NO_LOCK = new PackageManager(Tool.NPM, Optional.empty(), false);
    private static final PackageManager YARN1 = new PackageManager(Tool.YARN, Optional.of("yarn.lock"), false);
    private static final PackageManager YARN4 = new PackageManager(Tool.YARN, Optional.of("yarn.lock"), true);
    private static final PackageManager PNPM = new PackageManager(Tool.PNPM, Optional.of("pnpm-lock.yaml"), false);

    private static final String TYPESCRIPT_APP = """
            {"scripts": {"build": "tsc", "start": "node dist/server.js"},
             "dependencies": {"express": "^4"}, "devDependencies": {"typescript": "5.9.3"}}""";

    @Test
    void npmWithALockfileInstallsWithCiBuildsThenPrunes() {
        BuildPlan plan = plan(TYPESCRIPT_APP, NPM, Map.of());

        assertThat(plan.prepare()).isEmpty();
        assertThat(argv(plan.install())).containsExactly("npm", "ci", "--include=dev", "--no-audit", "--no-fund");
        assertThat(argv(plan.warmInstall()))
                .containsExactly("npm", "install", "--include=dev", "--no-save", "--prefer-offline", "--no-audit", "--no-fund");
        assertThat(argv(plan.build())).containsExactly("npm", "run", "build");
        assertThat(plan.build().get().phase()).isEqualTo(Phase.BUILD);
        assertThat(argv(plan.prune())).containsExactly("npm", "prune", "--omit=dev", "--no-audit", "--no-fund");
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void herokuPostbuildWinsOverBuildAndHerokuPrebuildRunsBeforeTheInstall() {
        BuildPlan plan = plan("""
                {"scripts": {"build": "tsc", "heroku-postbuild": "tsc -p prod", "heroku-prebuild": "echo pre"},
                 "dependencies": {"ms": "2"}}""", NPM, Map.of());

        assertThat(argv(plan.build())).containsExactly("npm", "run", "heroku-postbuild");
        assertThat(argv(plan.prebuild())).containsExactly("npm", "run", "heroku-prebuild");
    }

    @Test
    void herokuCleanupRunsWhenTheAppHasOne() {
        BuildPlan plan = plan("""
                {"scripts": {"build": "tsc", "heroku-cleanup": "rm -rf src"},
                 "dependencies": {"ms": "2"}, "devDependencies": {"typescript": "5"}}""", NPM, Map.of());

        assertThat(argv(plan.cleanup())).containsExactly("npm", "run", "heroku-cleanup");
        assertThat(plan(TYPESCRIPT_APP, NPM, Map.of()).cleanup()).isEmpty();
    }

    @Test
    void withoutALockfileNpmInstallsAndTheOutputSaysWhy() {
        BuildPlan plan = plan(TYPESCRIPT_APP, NPM_NO_LOCK, Map.of());

        assertThat(argv(plan.install())).containsExactly("npm", "install", "--include=dev", "--no-audit", "--no-fund");
        assertThat(plan.warmInstall()).as("no lockfile, no cache key").isEmpty();
        assertThat(plan.notes()).singleElement().asString().startsWith("warning: no lockfile");
    }

    @Test
    void yarnOneAndYarnFourAndPnpmGetTheirOwnCommandsThroughCorepack() {
        BuildPlan yarn1 = plan(TYPESCRIPT_APP, YARN1, Map.of());
        assertThat(argv(yarn1.prepare())).containsExactly("yarn", "--version");
        assertThat(argv(yarn1.install()))
                .containsExactly("yarn", "install", "--frozen-lockfile", "--production=false", "--non-interactive");
        assertThat(argv(yarn1.build())).containsExactly("yarn", "run", "build");
        assertThat(argv(yarn1.prune())).containsExactly("yarn", "install", "--frozen-lockfile", "--production=true",
                "--ignore-scripts", "--prefer-offline", "--non-interactive");

        BuildPlan yarn4 = plan(TYPESCRIPT_APP, YARN4, Map.of());
        assertThat(argv(yarn4.install())).containsExactly("yarn", "install", "--immutable");
        assertThat(argv(yarn4.prune())).containsExactly("yarn", "workspaces", "focus", "--all", "--production");

        BuildPlan pnpm = plan(TYPESCRIPT_APP, PNPM, Map.of());
        assertThat(argv(pnpm.prepare())).containsExactly("pnpm", "--version");
        assertThat(argv(pnpm.install())).containsExactly("pnpm", "install", "--frozen-lockfile");
        assertThat(argv(pnpm.build())).containsExactly("pnpm", "run", "build");
        assertThat(argv(pnpm.prune())).containsExactly("pnpm", "prune", "--prod");
    }

    @Test
    void herokusConfigVarsKeepDevDependencies() {
        assertThat(plan(TYPESCRIPT_APP, NPM, Map.of("NPM_CONFIG_PRODUCTION", "false")).prune()).isEmpty();
        assertThat(plan(TYPESCRIPT_APP, NPM, Map.of("npm_config_production", "false")).prune()).isEmpty();
        assertThat(plan(TYPESCRIPT_APP, NPM, Map.of("NPM_CONFIG_PRODUCTION", "true")).prune()).isPresent();
        assertThat(plan(TYPESCRIPT_APP, YARN1, Map.of("YARN_PRODUCTION", "false")).prune()).isEmpty();
        assertThat(plan(TYPESCRIPT_APP, YARN4, Map.of("YARN2_SKIP_PRUNING", "true")).prune()).isEmpty();
        assertThat(plan(TYPESCRIPT_APP, PNPM, Map.of("PNPM_SKIP_PRUNING", "true")).prune()).isEmpty();
        assertThat(plan(TYPESCRIPT_APP, NPM, Map.of("NPM_CONFIG_PRODUCTION", "false")).notes())
                .containsExactly("keeping devDependencies: NPM_CONFIG_PRODUCTION=false is set");
    }

    @Test
    void nothingToPruneWithoutDevDependencies() {
        assertThat(plan("{\"dependencies\": {\"ms\": \"2\"}}", NPM, Map.of()).prune()).isEmpty();
    }

    @Test
    void lifecycleScriptsAloneAreReasonEnoughToInstall() {
        assertThat(plan("{\"scripts\": {\"postinstall\": \"node gen.js\"}}", NPM, Map.of()).install()).isPresent();
        assertThat(plan("{\"scripts\": {\"start\": \"node server.js\"}}", NPM, Map.of()).isEmpty()).isTrue();
    }

    @Test
    void aBuildScriptRunsEvenWithNothingToInstall() {
        BuildPlan plan = plan("{\"scripts\": {\"build\": \"node gen.js\"}}", NPM_NO_LOCK, Map.of());

        assertThat(plan.install()).isEmpty();
        assertThat(argv(plan.build())).containsExactly("npm", "run", "build");
        assertThat(plan.notes()).as("no install, so no lockfile warning").isEmpty();
    }

    @Test
    void anUploadedNodeModulesIsUsedAsItIs() {
        BuildPlan plan = BuildPlan.of(pkg(TYPESCRIPT_APP), NPM, Map.of(), true);

        assertThat(plan.install()).isEmpty();
        assertThat(plan.prune()).isEmpty();
        assertThat(argv(plan.build())).containsExactly("npm", "run", "build");
        assertThat(plan.notes()).singleElement().asString().startsWith("node_modules came with the upload");
    }

    private static BuildPlan plan(String packageJson, PackageManager pm, Map<String, String> config) {
        return BuildPlan.of(pkg(packageJson), pm, config, false);
    }

    private static PackageJson pkg(String json) {
        return PackageJson.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> argv(Optional<BuildStep> step) {
        assertThat(step).isPresent();
        return step.get().argv();
    }
}
