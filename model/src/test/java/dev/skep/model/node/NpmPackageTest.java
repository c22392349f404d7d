package dev.skep.model.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which npm a build ran, for its cache key: read from npm's package, never by running it. */
class NpmPackageTest {

    @Test
    void theHostsNpmIsTheVersionItSays() throws Exception {
        Path npm = Command.find("npm", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process said = new ProcessBuilder(npm.toString(), "--version").redirectErrorStream(true).start();
        String version = new String(said.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(said.waitFor()).isZero();

        assertThat(NpmPackage.identity(npm)).isEqualTo("npm " + version);
    }

    @Test
    void anNpmLaidOutAsAGlobalInstallIsItsPackagesVersion(@TempDir Path prefix) throws Exception {
        Path pkg = Files.createDirectories(prefix.resolve("lib/node_modules/npm/bin"));
        Files.writeString(pkg.resolve("npm-cli.js"), "#!/usr/bin/env node\n");
        Files.writeString(pkg.getParent().resolve("package.json"), "{ \"name\": \"npm\", \"version\": \"8.19.4\" }");
        Path bin = Files.createDirectories(prefix.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("npm"), bin.relativize(pkg.resolve("npm-cli.js")));

        assertThat(NpmPackage.identity(bin.resolve("npm"))).isEqualTo("npm 8.19.4");

        Files.writeString(pkg.getParent().resolve("package.json"), "{ \"name\": \"npm\", \"version\": \"10.9.2\" }");
        assertThat(NpmPackage.identity(bin.resolve("npm"))).as("upgraded in place").isEqualTo("npm 10.9.2");
    }

    @Test
    void anyOtherNpmIsKnownByItsFileSoAnyChangeToItCounts(@TempDir Path bin) throws Exception {
        Path npm = bin.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\necho 10.1.0\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setLastModifiedTime(npm, FileTime.from(Instant.parse("2026-12-01T00:00:00Z")));
        String before = NpmPackage.identity(npm);
        assertThat(before).startsWith(npm.toRealPath().toString());
        assertThat(NpmPackage.identity(npm)).isEqualTo(before);

        Files.writeString(npm, "#!/bin/sh\necho 11.0.0\n");
        Files.setLastModifiedTime(npm, FileTime.from(Instant.parse("2026-12-02T00:00:00Z")));
        assertThat(NpmPackage.identity(npm)).isNotEqualTo(before);

        // a package.json beside it that is not npm's does not make it npm
        Path notNpm = Files.createDirectories(bin.resolve("tool/bin"));
        Files.writeString(notNpm.resolve("npm-cli.js"), "");
        Files.writeString(notNpm.getParent().resolve("package.json"), "{ \"name\": \"evil\", \"version\": \"10.9.2\" }");
        assertThat(NpmPackage.identity(notNpm.resolve("npm-cli.js"))).doesNotStartWith("npm ");
    }
}
