package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/skep builds skep.jar again when the sources are newer, but not under a skep JVM running from the same tree:
 * Maven rewrites the jar in place, and the running JVM would later load its classes from the new bytes (an upgrade's
 * `git pull` followed by any `skep` command did that to a running server).
 */
class LauncherRebuildTest {

    @TempDir
    Path root;

    private Path jar;
    private Path mavenRan;

    @BeforeEach
    void tree() throws Exception {
        Path repo = Path.of(System.getProperty("skep.repo"));
        Files.createDirectories(root.resolve("bin"));
        for (String script : List.of("skep", "find-jdk.sh")) {
            Files.copy(repo.resolve("bin").resolve(script), root.resolve("bin").resolve(script));
        }
        // a stand-in for the Maven wrapper: it only says it ran
        mavenRan = root.resolve("maven-ran");
        Path mvnw = Files.writeString(root.resolve("mvnw"), "#!/bin/sh\ntouch '" + mavenRan + "'\n");
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = oldJar(Files.createDirectories(root.resolve("server/target")).resolve("skep.jar"));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        Path source = Files.createDirectories(root.resolve("model/src/main/java")).resolve("Changed.java");
        Files.writeString(source, "class Changed {}\n"); // newer than the jar: a `git pull` brought it
    }

    @Test
    void sourcesNewerThanTheJarAreBuilt() throws Exception {
        Run run = launch();

        assertThat(mavenRan).exists();
        assertThat(run.stderr()).contains("building skep.jar");
    }

    @Test
    void aSkepJvmRunningFromTheTreeKeepsItsJarAndTheCommandRunsThatJar() throws Exception {
        // a process whose command line names the tree's jar, as a running `skep server` does
        Process server = new ProcessBuilder("bash", "-c", "exec -a \"java -jar " + jar + " server\" sleep 60").start();
        try {
            Run run = launch();

            assertThat(mavenRan).doesNotExist();
            assertThat(run.stderr()).contains("skep runs from it (pid " + server.pid() + ")")
                    .contains("not rebuilding").doesNotContain("building skep.jar");
            assertThat(run.stdout()).contains("the jar as it was ran");
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
        Run after = launch(); // once it is gone, the next command builds
        assertThat(mavenRan).exists();
        assertThat(after.stderr()).contains("building skep.jar");
    }

    private record Run(String stdout, String stderr) {
    }

    private Run launch() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("bin/skep").toString(), "--help");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        process.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                process.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        drain.join();
        return new Run(out, err.toString(StandardCharsets.UTF_8));
    }

    /** A jar whose main class prints that it ran: what a command runs when the launcher does not build. */
    private Path oldJar(Path at) throws IOException {
        Path src = Files.createDirectories(root.resolve("old-src"));
        Files.writeString(src.resolve("Old.java"),
                "public class Old { public static void main(String[] a) { System.out.println(\"the jar as it was ran\"); } }");
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", src.toString(),
                src.resolve("Old.java").toString());
        assertThat(compiled).isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Old");
        try (OutputStream file = Files.newOutputStream(at); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("Old.class"));
            out.write(Files.readAllBytes(src.resolve("Old.class")));
            out.closeEntry();
        }
        return at;
    }
}
