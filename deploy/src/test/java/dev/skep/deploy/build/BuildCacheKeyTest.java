package dev.skep.deploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node_modules key: the same install inputs give the same key; another Node or npm another. */
class BuildCacheKeyTest {

    @Test
    void anotherNpmIsAnotherKeyAsAnotherNodeIs(@TempDir Path app) throws Exception {
        Files.writeString(app.resolve("package.json"), "{ \"name\": \"a\", \"dependencies\": { \"ms\": \"2.1.3\" } }");
        Files.writeString(app.resolve("package-lock.json"), "{}");
        PackageJson pkg = PackageJson.read(app).orElseThrow();
        PackageManager pm = PackageManager.detect(app, pkg);
        byte[] lock = "{}".getBytes(StandardCharsets.UTF_8);

        String key = BuildCache.key(pm, lock, pkg, "v16.20.2", "npm 8.19.4");
        assertThat(BuildCache.key(pm, lock, pkg, "v16.20.2", "npm 8.19.4")).isEqualTo(key);
        assertThat(BuildCache.key(pm, lock, pkg, "v16.20.2", "npm 8.19.3")).as("engines.npm changed").isNotEqualTo(key);
        assertThat(BuildCache.key(pm, lock, pkg, "v16.20.1", "npm 8.19.4")).isNotEqualTo(key);
    }
}
