package dev.skep.deploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrunedBinsTest {

    @TempDir
    Path dir;

    @Test
    void aCommandTheNodeOrSystemDirsStillProvideIsNotTakenForPruned() throws Exception {
        Path app = dir.resolve("app");
        Path bin = Files.createDirectories(app.resolve("node_modules/.bin"));
        for (String name : Set.of("node", "vite", "next")) {
            Files.createFile(bin.resolve(name)); // `node` from the node package among devDependencies
        }
        Set<String> before = PrunedBins.listed(app);
        Files.delete(bin.resolve("node"));
        Files.delete(bin.resolve("vite")); // the prune; next is a dependency and stays
        Path nodeDir = Files.createDirectories(dir.resolve("node-v20/bin"));
        Path node = Files.createFile(nodeDir.resolve("node"));
        Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwxr-xr-x"));

        PrunedBins pruned = PrunedBins.since(before, app, "NPM_CONFIG_PRODUCTION=false",
                nodeDir + ":" + dir.resolve("nowhere") + ":");
        assertThat(pruned.names()).containsExactly("vite");
        assertThat(pruned.contains("node")).as("the release's node starts it").isFalse();
        assertThat(pruned.keptBy()).isEqualTo("NPM_CONFIG_PRODUCTION=false");
    }
}
