package dev.skep.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
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
 * bin/skep builds skep.jar again when the sources are newer, without changing the bytes of the jar a running skep JVM
 * loads its classes from: Maven's jar plugin rewrites the file in place (same inode), so an upgrade's `git pull`
 * followed by any `skep` command changed the jar under a running server.
 */
class LauncherRebuildTest {

    @TempDir
    Path root;

    private Path jar;
    private Path newJar;

    @BeforeEach
    void tree() throws Exception {
        Path repo = Path.of(System.getProperty("skep.repo"));
        Files.createDirectories(root.resolve("bin"));
        for (String script : List.of("skep", "find-jdk.sh")) {
            Files.copy(repo.resolve("bin").resolve(script), root.resolve("bin").resolve(script));
        }
        jar = jarSaying(Files.createDirectories(root.resolve("server/target")).resolve("skep.jar"), "Old",
                "the old jar ran");
        newJar = jarSaying(root.resolve("new.jar"), "New", "the new jar ran");
        // a stand-in for the Maven wrapper that writes the jar as Maven's jar plugin does: into the file in place
        Path mvnw = Files.writeString(root.resolve("mvnw"), "#!/bin/sh\n[ -f '" + root.resolve("fail") + "' ] && exit 1\n"
                + "cat '" + newJar + "' > '" + jar + "'\n");
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        Path source = Files.createDirectories(root.resolve("model/src/main/java")).resolve("Changed.java");
        Files.writeString(source, "class Changed {}\n"); // newer than the jar: a `git pull` brought it
    }

    @Test
    void aBuildLeavesTheBytesOfTheJarARunningSkepHoldsAndTheCommandRunsTheNewJar() throws Exception {
        byte[] old = Files.readAllBytes(jar);
        try (FileChannel held = FileChannel.open(jar, StandardOpenOption.READ)) { // as a running server holds it
            Run run = launch();

            assertThat(run.stderr()).contains("building skep.jar");
            assertThat(run.stdout()).contains("the new jar ran");
            assertThat(jar).hasSameBinaryContentAs(newJar);
            ByteBuffer seen = ByteBuffer.allocate(old.length + 1);
            held.read(seen, 0);
            assertThat(Arrays.copyOf(seen.array(), seen.position())).isEqualTo(old);
        }
    }

    @Test
    void aFailedBuildPutsTheJarBack() throws Exception {
        byte[] old = Files.readAllBytes(jar);
        Files.createFile(root.resolve("fail"));

        Run run = launch();

        assertThat(run.stderr()).contains("the build failed");
        assertThat(Files.readAllBytes(jar)).isEqualTo(old);
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

    /** A jar whose main class {@code name} prints {@code says}. */
    private Path jarSaying(Path at, String name, String says) throws IOException {
        Path src = Files.createDirectories(root.resolve("src-" + name));
        Files.writeString(src.resolve(name + ".java"), "public class " + name
                + " { public static void main(String[] a) { System.out.println(\"" + says + "\"); } }");
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", src.toString(),
                src.resolve(name + ".java").toString());
        assertThat(compiled).isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, name);
        try (OutputStream file = Files.newOutputStream(at); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry(name + ".class"));
            out.write(Files.readAllBytes(src.resolve(name + ".class")));
            out.closeEntry();
        }
        return at;
    }
}
